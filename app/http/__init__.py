"""HTTP edges shared by every domain: API authentication, body validation, page roles."""
