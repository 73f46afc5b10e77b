"""The post-broadcast report: tables, figures, CSV and the standalone HTML file."""
