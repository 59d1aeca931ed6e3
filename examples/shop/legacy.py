"""An older entry point: deprecated APIs and options uvicorn no longer takes."""

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.on_event("startup")
async def connect() -> None:
    app.state.ready = True


uvicorn.run("legacy:app", debug=True, reload=True, workers=2, forwarded_allow_ips="*")
