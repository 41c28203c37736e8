from chapter2.oneshot import Receiver
from chapter2.task import Context, Pending, Poll


class FixedReceiver(Receiver[int]):
    """A oneshot receiver that the sender can wake."""

    def poll(self, cx: Context) -> Poll[int]:
        ready = self._take()  # Ready(value) if the value has arrived
        if ready is not None:
            return ready
        # The sender wakes the waker it finds here: keep the newest.
        self._slot.waker = cx.waker()
        return Pending()
