EN: dict[str, str | tuple[str, str]] = {"고객 셀프서비스": "Portal"}
