"""A status pipeline declared as data: set_status() refuses a move the pipeline lacks."""

from casework.errors import InvalidTransition


class PipelineMixin:
    PIPELINE: dict[str, set[str]] = {}

    def can_move_to(self, new: str) -> bool:
        return new in self.PIPELINE.get(self.status, set())

    def set_status(self, new: str) -> None:
        if not self.can_move_to(new):
            raise InvalidTransition()
        self.status = new
