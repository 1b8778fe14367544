EN: dict[str, str | tuple[str, str]] = {"캠페인": "Campaigns"}
