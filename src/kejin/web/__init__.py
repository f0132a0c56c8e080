"""Web entrypoint: the FastAPI application (JSON API and server-rendered pages)."""
