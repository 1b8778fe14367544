EN: dict[str, str | tuple[str, str]] = {"FAQ·가이드": "Knowledge"}
