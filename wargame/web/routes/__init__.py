"""The classroom server's routes, one router per job: the pages, the facilitator's API, a seat's
API, the debrief and transcript of a finished game, and the explorer (:func:`wargame.web.app.create_app`
wires them)."""
