# mypy: disable-error-code="arg-type"
# (the clock takes any object with deadline_ns and fire(); its hint says Sleep)
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
        self.waker = cx.waker()  # the newest reaches the waiting task
        if not self.registered:
            self.registered = True
            self.clock.add_timer(self)  # it calls fire() when due
        return Pending()

    def fire(self) -> None:
        """The clock calls this once the deadline has passed."""
        waker, self.waker = self.waker, None
        if waker is not None:
            waker.wake(by="timer")
