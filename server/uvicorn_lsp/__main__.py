from .startup import entry

entry()
