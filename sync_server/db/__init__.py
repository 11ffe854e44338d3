"""The server's database: tables, engine, and the functions that run SQL."""
