"""What the child prints on stdout and stderr: read to the end in a thread, kept up to a cap, never read as a result."""
import threading

from checks.grading import wire

CHUNK = 1 << 16


class Drain(threading.Thread):
    """Reads a stream to its end, keeping the first `cap` bytes and counting the rest."""

    def __init__(self, stream, cap):
        super().__init__(daemon=True)
        self.stream, self.cap, self.kept, self.total = stream, cap, bytearray(), 0
        self.start()

    def run(self):
        while True:
            try:
                chunk = self.stream.read1(CHUNK)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            self.total += len(chunk)
            room = self.cap - len(self.kept)
            if room > 0:
                self.kept += chunk[:room]

    def text(self):
        shown = wire.safe(self.kept.decode("utf-8", errors="replace"), self.cap)
        more = self.total - len(self.kept)
        return shown + (f"\n... ({more} more bytes not kept)" if more > 0 else "")
