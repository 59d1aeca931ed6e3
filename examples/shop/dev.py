"""Development server: the import string has a typo."""

import uvicorn

if __name__ == "__main__":
    uvicorn.run("app.mian:app", reload=True)
