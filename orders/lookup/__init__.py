"""Order look-up: classifying what a person typed in the search box (pure) and the one query it becomes.

``phone`` and ``classify`` are pure and import nothing from the database; ``query`` builds the SQL and
``params`` reads the filters of the API and the pages. orders.models imports ``phone`` (the stored normalised
phone), so this package's ``__init__`` imports nothing.
"""
