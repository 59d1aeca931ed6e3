"""A small FastAPI service with the mistakes uvicorn-lsp is built to catch."""


import uvicorn
from fastapi import FastAPI

app = FastAPI(title="shop")


@app.get("/")
async def index() -> dict[str, str]:
    return {"status": "ok"}


def create_app() -> FastAPI:
    return FastAPI(title="shop (factory)")


if __name__ == "__main__":
    # Reload needs an import string: uvicorn exits with status 3 here.
    uvicorn.run(app, host="127.0.0.1", port=8000, reload=True)
