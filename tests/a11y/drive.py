"""Drives cardguard through AT-SPI, as a screen reader does: reads the live
accessibility tree, moves focus and presses through accessibility actions,
and types on the keyboard (xdotool plays the person's keyboard).

Run by tests/screen_reader_atspi.rs inside Xvfb and a D-Bus session with the
AT-SPI bus enabled. Prints one line per step; exits 1 naming what failed.
"""
import subprocess
import sys
import time

import pyatspi
from gi.repository import GLib

# What the app announced (AT-SPI "object:announcement"), in order.
HEARD = []


def heard(event):
    HEARD.append(str(event.any_data))


def pump():
    """Delivers the events waiting on the bus (no main loop runs here)."""
    ctx = GLib.MainContext.default()
    while ctx.pending():
        ctx.iteration(False)

CONTROLS = {"push button", "toggle button", "check box", "radio button",
            "combo box", "entry", "password text", "text", "slider", "link"}


def fail(what):
    print("FAIL:", what, flush=True)
    sys.exit(1)


def step(what):
    print("ok:", what, flush=True)


def the_app(deadline=90.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            try:
                a = desktop.getChildAtIndex(i)
                if a is not None and a.name == "cardguard":
                    return a
            except Exception:
                pass  # another application left the bus meanwhile
        time.sleep(0.2)
    fail("cardguard never appeared on the AT-SPI bus")


def nodes(acc):
    """The subtree under acc. A node the window removed while it is read
    (the screen changed) is skipped; the next look sees the new tree."""
    out = [acc]
    try:
        children = [acc.getChildAtIndex(i) for i in range(acc.childCount)]
    except Exception:
        return out
    for c in children:
        if c is not None:
            out.extend(nodes(c))
    return out


def role(n):
    try:
        return n.getRoleName()
    except Exception:
        return ""


def described(n):
    try:
        return n.description or ""
    except Exception:
        return ""


def wait_for(app, what, test, deadline=20.0):
    """The first node for which test(node) holds, waiting for the window to
    get there (a state to reach, not a duration to assert)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        pump()
        for n in nodes(app):
            try:
                if test(n):
                    return n
            except Exception:
                pass
        time.sleep(0.1)
    tree = "; ".join(f"{role(n)}:{n.name!r}" for n in nodes(app) if role(n) in CONTROLS)
    fail(f"{what} (controls now: {tree})")


def named(app, name, roles):
    return wait_for(app, f"{'/'.join(roles)} {name!r}",
                    lambda n: n.name == name and role(n) in roles)


def press(app, name, roles=("push button", "toggle button")):
    """Presses through the accessibility action; a node the window dropped
    between finding and pressing (the screen changed) is looked up again."""
    for _ in range(5):
        n = named(app, name, roles)
        try:
            if n.queryAction().doAction(0):
                step(f"pressed {name!r} ({role(n)})")
                return
        except Exception:
            pass
        time.sleep(0.2)
    fail(f"{name!r} could not be pressed")


def type_into(app, name, roles, text):
    n = named(app, name, roles)
    if not n.queryComponent().grabFocus():
        fail(f"focus refused by {name!r}")
    window = subprocess.run(["xdotool", "search", "--name", "^cardguard$"],
                            capture_output=True, text=True).stdout.split()
    if not window:
        fail("no cardguard window for the keyboard")
    subprocess.run(["xdotool", "windowfocus", "--sync", window[0]], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", text], check=True)
    step(f"typed {len(text)} characters into {name!r} ({role(n)})")
    return n


def unnamed_controls(app):
    return [role(n) for n in nodes(app) if role(n) in CONTROLS and not (n.name or "").strip()]


def hear(words, deadline=15.0):
    """Waits for the app to announce `words` (a state to reach)."""
    end = time.monotonic() + deadline
    while words not in HEARD and time.monotonic() < end:
        pump()
        time.sleep(0.05)
    if words not in HEARD:
        fail(f"never announced: {words!r} (heard: {HEARD})")
    step(f"announced: {words!r}")


def confirm_when_ready(app):
    confirm = wait_for(app, "the confirm button, ready",
                       lambda n: role(n) == "push button"
                       and described(n) == "Available now: press to confirm.")
    step(f"review: {confirm.name!r} says {described(confirm)!r}")
    confirm.queryAction().doAction(0)
    step("pressed confirm through the accessibility action")


def set_value(app, name, roles, text):
    """A reader's "set value": the field's whole text through AT-SPI's
    EditableText, no keyboard."""
    n = named(app, name, roles)
    if not n.queryEditableText().setTextContents(text):
        fail(f"{name!r} refused its new value")
    step(f"set {name!r} ({role(n)}) through the accessibility interface")
    return n


def batch(path):
    """A whole batch through the reader: channel, file by set-value, import,
    review, confirm, the test card's pause, resume, every card out, then
    "cancel all" while their windows are open."""
    pyatspi.Registry.registerEventListener(heard, "object:announcement")
    app = the_app()
    step("cardguard is on the AT-SPI bus")
    press(app, "Batch")
    # The batch screen's own field: the entry screen's channel list has the
    # same name and is on its way out.
    named(app, "File", ("entry", "text"))
    press(app, "1. Channel", ("combo box",))
    press(app, "Kaquanmao (third party)", ("push button", "toggle button", "radio button",
                                           "menu item", "list item"))
    # A file that is not there: the notice is heard, once.
    # (Matched on its end: a folder name that looks like a card code is
    # said masked, as it is drawn in a screenshot.)
    missing = path + ".missing.csv"
    said_end = "three.csv.missing.csv does not exist."
    set_value(app, "File", ("entry", "text"), missing)
    press(app, "Import file")
    end = time.monotonic() + 15
    while time.monotonic() < end and not [w for w in HEARD if w.endswith(said_end)]:
        pump()
        time.sleep(0.05)
    notice = [w for w in HEARD if w.endswith(said_end)]
    if len(notice) != 1:
        fail(f"the missing file's notice was heard {len(notice)} times (heard: {HEARD})")
    step(f"announced: {notice[0]!r}")
    set_value(app, "File", ("entry", "text"), path)
    press(app, "Import file")
    review = wait_for(app, "the batch's review button",
                      lambda n: role(n) == "push button"
                      and (n.name or "").startswith("Review and release 3 cards"))
    missing = unnamed_controls(app)
    if missing:
        fail(f"controls without a name on the batch: {missing}")
    step("every control on the batch screen has a name")
    review.queryAction().doAction(0)
    step(f"pressed {review.name!r}")
    wait_for(app, "the batch review", lambda n: n.name == "Review the batch")
    confirm = wait_for(app, "the batch's confirm button with the guard's state",
                       lambda n: role(n) == "push button"
                       and described(n).startswith("Not available yet"))
    step(f"batch review: {confirm.name!r} says {described(confirm)!r}")
    if "batch total" in described(confirm):
        set_value(app, "Type the batch's total face value in yuan to confirm:",
                  ("entry", "text"), "300")
    confirm_when_ready(app)
    hear("Batch held on this device: releasing starts in 10 s unless you press "
         "“Undo the whole batch”.")
    named(app, "Undo the whole batch", ("push button",))
    hear("The test card was released. Check that it arrived on the channel, "
         "then resume for the other 2.", deadline=30.0)
    press(app, "Resume")
    hear("All 3 cards released.", deadline=30.0)
    cancel_all = wait_for(app, "cancel all",
                          lambda n: role(n) == "push button"
                          and (n.name or "").startswith("Cancel all still cancellable (3"))
    cancel_all.queryAction().doAction(0)
    step(f"pressed {cancel_all.name!r}")
    end = time.monotonic() + 15
    while time.monotonic() < end and not any(w.startswith("What “cancel all” did:") for w in HEARD):
        pump()
        time.sleep(0.05)
    said = [w for w in HEARD if w.startswith("What “cancel all” did:")]
    if not said:
        fail(f"what cancel all did was not announced (heard: {HEARD})")
    step(f"announced: {said[0]!r}")
    print("DONE", flush=True)


def main():
    if sys.argv[1] == "batch":
        batch(sys.argv[2])
        return
    code = sys.argv[1]
    pyatspi.Registry.registerEventListener(heard, "object:announcement")
    app = the_app()
    step("cardguard is on the AT-SPI bus")
    named(app, "New order", ("toggle button",))
    missing = unnamed_controls(app)
    if missing:
        fail(f"controls without a name: {missing}")
    step("every control on the entry screen has a name")

    # The channel list, opened and chosen through actions.
    press(app, "1. Channel", ("combo box",))
    press(app, "Kaquanmao (third party)", ("push button", "toggle button", "radio button",
                                           "menu item", "list item"))
    field = type_into(app, "2. Card code (16 characters)", ("password text",), code)
    shown = field.queryText().getText(0, -1)
    if code[-4:] in shown or code[:4] in shown:
        fail(f"the card code field reads its text out: {shown!r}")
    step("the card code is a password field and reads masked")
    press(app, "¥100")
    press(app, "Review →")

    confirm = wait_for(app, "the confirm button with the guard's state",
                       lambda n: role(n) == "push button"
                       and described(n).startswith("Not available yet"))
    step(f"review: {confirm.name!r} says {described(confirm)!r}")
    missing = unnamed_controls(app)
    if missing:
        fail(f"controls without a name on the review: {missing}")
    confirm_when_ready(app)

    wait_for(app, "the hold screen", lambda n: n.name == "Held on this device")
    step("the order is held on this device")
    hear("Confirm is available now.")
    hear("Held on this device: it is sent in 10 s unless you press Undo.")
    press(app, "Undo")
    wait_for(app, "the review again", lambda n: n.name == "← Back to edit")
    step("undone: back on the review, nothing was sent")

    # Again, and this time let the hold run out: sent, then cancelled
    # inside the channel's window, every press an accessibility action.
    confirm_when_ready(app)
    hear("Held on this device: it is sent in 5 s unless you press Undo.")
    cancel = wait_for(app, "the sent order's cancel button",
                      lambda n: n.name == "Cancel this order" and role(n) == "push button",
                      deadline=30.0)
    heard_window = [w for w in HEARD if "is sent: it can be cancelled for 8 min more." in w]
    if not heard_window:
        hear_any = time.monotonic() + 5
        while not heard_window and time.monotonic() < hear_any:
            pump()
            time.sleep(0.05)
            heard_window = [w for w in HEARD if "can be cancelled for 8 min more." in w]
    if not heard_window:
        fail(f"the cancel window was not announced (heard: {HEARD})")
    step(f"announced: {heard_window[0]!r}")
    time.sleep(1.0)  # a deliberate press, not the tail of a double click
    cancel.queryAction().doAction(0)
    step("pressed 'Cancel this order'")
    wait_for(app, "the cancellation", lambda n: (n.name or "").startswith("Cancelled."))
    step("cancelled inside the window")
    print("DONE", flush=True)


main()
