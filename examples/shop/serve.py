"""Production entry point: workers come from the environment."""

import os

import uvicorn

from app.main import app, create_app

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", workers=int(os.environ.get("WORKERS", "1")))
    uvicorn.run(create_app(), workers=4)
