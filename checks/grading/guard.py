"""The audit hook of a graded submission's child process: what graded code may not do.

runner.py executes this file in a namespace of its own before the submission
is loaded and installs the hook of make_hook(); audit hooks cannot be
removed. The hook refuses:

- importing reference or checks (the instructor's code); without the
  sandbox (config["reduced"]) also ctypes and the extension modules that
  start processes, by any part of their dotted name;
- reading or listing the forbidden folders (reference/ and checks/, other
  submissions' sandboxes, other processes in /proc) and the private ones
  (the project, the folder of submissions, the reports) unless Python's own
  installation is there;
- writing, renaming or deleting anything outside the sandbox;
- starting processes, sending signals, opening sockets, raising its own
  limits, and the introspection that could reach this hook (gc's object
  lists, sys._current_frames, settrace, setprofile);
- opening files by anything but an exact str, bytes or int (a path-like
  object could name another file when it is asked again).

Every name the hook uses is bound when make_hook runs (a closure over
locals): patching builtins, os.path or a module's globals later does not
reach it. A refusal raises PermissionError (ImportError for imports) with
"refused by the grader: <rule>" and is appended to the shared list
refusals. This is a guard inside one interpreter, there for clear messages:
the wall is the operating system's sandbox (isolation.py), and
specs/grading.md says what the hook alone does not stop.
"""
from posix import getcwd, getpid, lstat, readlink

REFUSED_MODULES = ("reference", "checks")
REDUCED_MODULES = ("ctypes", "_ctypes", "_posixsubprocess", "_multiprocessing")  # refused by any part of the name
# when there is no sandbox (config["reduced"]): they start processes or call C unseen, and the hook is the only wall
REFUSED_EVENTS = ("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.kill",
                  "os.killpg", "subprocess.Popen", "pty.spawn", "resource.setrlimit", "resource.prlimit",
                  "sys.remote_exec", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
                  "sys._current_frames", "sys.settrace", "sys.setprofile")
REFUSED_PREFIXES = ("socket.", "winreg.")
REDUCED_PREFIXES = ("ctypes.", "_ctypes.")
CHANGES = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link", "os.symlink",
           "os.truncate", "os.utime", "os.chflags", "os.lchflags", "os.mkfifo", "os.mknod", "shutil.copyfile",
           "shutil.copymode", "shutil.copystat", "shutil.copytree", "shutil.move", "shutil.rmtree",
           "shutil.make_archive", "shutil.unpack_archive")
LISTINGS = ("os.listdir", "os.scandir", "glob.glob", "os.chdir")
WRITE_FLAGS = 0o3103  # O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND on Linux


class Refused(PermissionError):
    """An operation graded code may not do; the message names the rule."""


class RefusedImport(ImportError):
    """An import graded code may not do (an ImportError, so `except ImportError` sees it)."""


def make_hook(config, refusals, prefix):
    """The audit hook for a child whose sandbox, folders and sibling-sandbox prefix are in config."""
    kind_of, text, raw, number, count = type, str, bytes, int, len  # bound now: later patches do not reach them
    lstat_, readlink_, getcwd_, refused, refused_import = lstat, readlink, getcwd, Refused, RefusedImport
    modules, events, prefixes, changes, listings = REFUSED_MODULES, REFUSED_EVENTS, REFUSED_PREFIXES, CHANGES, LISTINGS
    extra = REDUCED_MODULES if config.get("reduced") else ()
    prefixes = prefixes + (REDUCED_PREFIXES if config.get("reduced") else ())
    write_flags = WRITE_FLAGS
    sandbox = config["tmp"]
    forbidden, allowed, private = (tuple(config[k]) for k in ("forbidden", "allowed", "private"))
    siblings = sandbox[:sandbox.rindex("/") + 1] + prefix
    me = text(getpid())
    errors = (OSError, ValueError)

    def resolve(path):
        """path absolute, without . and .., its symbolic links followed (at most 40)."""
        if kind_of(path) is raw:
            path = path.decode("utf-8", "surrogateescape")
        if not path.startswith("/"):
            path = getcwd_() + "/" + path
        parts, done, links = [p for p in path.split("/") if p and p != "."], [], 0
        while parts:
            part = parts.pop(0)
            if part == "..":
                done = done[:-1]
                continue
            here = "/" + "/".join(done + [part])
            try:
                link = lstat_(here).st_mode & 0o170000 == 0o120000
            except errors:
                link = False
            if link and links < 40:
                links += 1
                target = readlink_(here)
                done = [] if target.startswith("/") else done
                parts = [p for p in target.split("/") if p and p != "."] + parts
            else:
                done.append(part)
        return "/" + "/".join(done)

    def under(path, folders):
        for folder in folders:
            if path == folder or path.startswith(folder.rstrip("/") + "/"):
                return True
        return False

    def inside(path):
        return under(resolve(path), (sandbox,))

    def hidden(path):
        real = resolve(path)
        if under(real, (sandbox,)):
            return False
        if real.startswith(siblings) or under(real, forbidden):
            return True
        parts = real.split("/")
        if count(parts) > 2 and parts[1] == "proc" and parts[2] not in ("self", "thread-self", me):
            return True
        return under(real, private) and not under(real, allowed)

    def path_rule(path, writing):
        if kind_of(path) is number:
            return None  # a file descriptor already open: nothing new is reached
        if kind_of(path) is not text and kind_of(path) is not raw:
            return "graded code may open files only by a str path"
        if writing and not inside(path):
            return f"graded code may not write {path!r}; only its own temporary directory"
        return f"graded code may not read {path!r}" if hidden(path) else None

    def rule(event, args):
        if event == "import":
            name = args[0] if args and kind_of(args[0]) is text else "?"
            parts = name.split(".")
            if parts[0] in modules or name == "?":
                return f"graded code may not import {parts[0]}"
            hit = [part for part in parts if part in extra]  # by any part: x._posixsubprocess is the same module
            return f"graded code may not import {hit[0]}" if hit else None
        if event in events or event.startswith(prefixes):
            return f"graded code may not call {event}"
        if event == "open":
            mode, flags = args[1], args[2]
            writing = (kind_of(mode) is text and ("w" in mode or "a" in mode or "x" in mode or "+" in mode)) \
                or (kind_of(flags) is number and flags & write_flags != 0)
            return path_rule(args[0], writing)
        if event in changes or event in listings:
            for arg in args:
                found = path_rule(arg, event in changes) if kind_of(arg) in (text, raw) else None
                if found:
                    return found
        return None

    def hook(event, args):
        found = rule(event, args)
        if found:
            if count(refusals) < 50 and found not in refusals:
                refusals.append(found)
            raise (refused_import if event == "import" else refused)(f"refused by the grader: {found}")

    return hook
