from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def index() -> dict[str, bool]:
    return {"ok": True}
