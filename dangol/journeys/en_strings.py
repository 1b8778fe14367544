EN: dict[str, str | tuple[str, str]] = {"여정·다음 행동": "Journeys and next best action"}
