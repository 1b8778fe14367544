EN: dict[str, str | tuple[str, str]] = {"개인정보 생애주기": "Lifecycle"}
