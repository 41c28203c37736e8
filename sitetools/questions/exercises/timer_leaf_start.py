from chapter2.clock import Clock
from chapter2.future import FutureBase
from chapter2.task import Context, Pending, Poll, Ready, Waker


class Timer(FutureBase[None]):
    """A leaf future, ready once `clock` reaches `deadline_ns`."""

    def __init__(self, clock: Clock, deadline_ns: int) -> None:
        self.clock = clock
        self.deadline_ns = deadline_ns
        self.waker: Waker | None = None
        self.registered = False

    def poll(self, cx: Context) -> Poll[None]:
        if self.clock.now_ns() >= self.deadline_ns:
            return Ready(None)
        return Pending()

    def fire(self) -> None:
        """The clock calls this once the deadline has passed."""
