"""The database: one connection binding for the process (SQLite or PostgreSQL) and migrations."""
