# The settings words (en).
# The settings window (settings.html): signed out it is the sign-in form (sign-in-*),
# signed in it shows the account, then the settings (settings-*).
# Variables: $server, $api and $url are addresses; $reason is what the app or the server
# said went wrong; $agent and $parent are agents' names, $status and $message what an
# agent reports; $by names a part of the desktop ("GNOME"); $keys is a shortcut
# ("Ctrl+Alt+P"); $count is a number.
# Messages ending in -start, -middle and -end are the words around a field or a piece
# of code in one sentence: "A review that expires within [10] minutes is urgent…".

## Signing in (the window when signed out)

sign-in-title = Sign in to Placet
sign-in-lead = Connect to your Placet server to be notified when your agents ask for a review.
sign-in-server = Server URL
sign-in-checking = Checking…
sign-in-server-found = Placet server found at { $server }.
sign-in-server-found-split = Placet server found at { $server }, its live connection at { $api }.
sign-in-redirect-text = The server points to { $url } instead.
sign-in-use-redirect = Use this address
sign-in-use-redirect-to = Use { $url }
sign-in-api-url = Live connection address
# Around NEXT_PUBLIC_WS_URL (a setting of Placet's web UI, shown as code between the two).
sign-in-api-url-desc-start = Where Placet's live updates come from, when it is not the address above: your Placet's backend, which its web UI finds through
sign-in-api-url-desc-end = (by default the same host on port 3001).
sign-in-insecure-title = This address is not encrypted.
sign-in-insecure-text = With plain http to another computer, your password and session travel unencrypted: anyone on the network between you and the server can read them and act as you. Use an https address if the server has one.
sign-in-allow-insecure = Allow unencrypted http for this server
sign-in-email = Email
sign-in-password = Password
sign-in-api-key = API key
sign-in-key-note = Watch-only: with an API key you see your agents’ reviews and get notified, but you cannot answer them (Placet only accepts answers from a signed-in account).
sign-in-keychain-text = The system keychain (Secret Service) is not available, so Placet Tray cannot keep your sign-in safely on this computer. You can stay signed in until Placet Tray quits; you will be asked to sign in again next time.
sign-in-this-run-only = Stay signed in for this run only
sign-in-use-api-key = Use an API key (watch-only)
sign-in-use-password = Use email and password
sign-in-submit = Sign in
sign-in-submitting = Signing in…
sign-in-cancel-add = Cancel

## Signing in: an empty field

sign-in-enter-server = Enter the address of your Placet server.
sign-in-enter-email = Enter your email address.
sign-in-enter-password = Enter your password.
sign-in-enter-api-key = Enter your API key.

## Signing in: why it failed

sign-in-bad-input = That is not a server address: { $reason }. Use the address you open Placet at, like https://placet.example.com.
sign-in-network = The server cannot be reached: { $reason }. Check the address and your network connection.
sign-in-tls = The secure (TLS) connection failed: { $reason }. The server’s certificate is not trusted by this computer.
# $reason is a sentence saying that the live connection's address is needed.
sign-in-no-live-connection = { $reason } Enter it below.
sign-in-not-placet = This address answers, but not like a Placet server. Use the address of your Placet server (the one you open in the browser).
sign-in-wrong-key = The API key was refused. Check that you copied all of it.
sign-in-wrong-password = Wrong email or password.
sign-in-keychain-unavailable = The system keychain is not available: { $reason }.
# Quotes the checkbox sign-in-allow-insecure.
sign-in-insecure-refused = Not sent: this address is plain http to another computer, so your password and session would travel unencrypted. Use the server’s https address, or, if you trust every network in between, tick “Allow unencrypted http for this server”.
sign-in-redirected = The server redirects this address to { $url }. Placet Tray follows no redirect with your password: use that address instead.
# $reason is a sentence.
sign-in-redirect = The server answered with a redirect: { $reason }
sign-in-failed = Signing in failed.

## A new password the server asks for

settings-password-title = Choose a new password
settings-password-lead = Your Placet server asks you to choose a new password before anything else.
settings-current-password = Current password
settings-new-password = New password (8 characters or more)
settings-new-password-again = New password again
settings-password-submit = Change password
settings-password-enter-current = Enter your current password.
settings-password-too-short = The new password needs 8 characters or more.
settings-password-differ = The two new passwords differ.
settings-password-changing = Changing…
settings-password-changed = Password changed.
settings-password-wrong = The current password is not right.

## The account (signed in)

settings-account = Account
settings-accounts = Accounts
settings-server = Server
settings-live-connection = Live connection
settings-connection = Connection
settings-insecure-title = Not encrypted.
settings-insecure-text = This server is reached over plain http: your password, session and answers travel unencrypted on the network. Ask for an https address, then sign in again with it.
settings-watch-only-note = Watch-only: you signed in with an API key. You see reviews and get notified, but answering needs a sign-in with your account.
settings-run-only-note = Signed in for this run only: the keychain was not available, so you will be asked to sign in again when Placet Tray restarts.
settings-open-inbox = Open inbox
settings-sign-out = Sign out
settings-add-account = Add another account…
settings-sign-out-of = Sign out of { $account }

## Signing out with answers not yet sent
## $count is how many answers wait; 0 when the app does not know.

settings-queued-title =
    { $count ->
        [one] An answer is waiting to be sent
       *[other] Answers are waiting to be sent
    }
settings-queued-text =
    { $count ->
        [0] Some answers you gave have
        [one] One answer you gave has
       *[other] { $count } answers you gave have
    } not reached the server yet. Placet Tray can deliver them before signing out, or discard them (the agents never get them).
settings-undelivered-title =
    { $count ->
        [one] The answer could not be delivered
       *[other] The answers could not be delivered
    }
settings-undelivered-text =
    { $count ->
        [0] Some answers
        [one] One answer
       *[other] { $count } answers
    } you gave could not be delivered now: the server cannot be reached. Discard them and sign out (the agents never get them), or cancel and sign out later, once the server is back.
settings-sign-out-cancel = Cancel
settings-sign-out-discard = Discard them and sign out
settings-sign-out-deliver = Deliver them, then sign out
settings-sign-out-delivering = Delivering… this can take a few seconds.
settings-signing-out = Signing out…
# $reason is a sentence.
settings-not-signed-out = Not signed out: { $reason }

## Notifications

settings-notifications-title = Notifications
settings-pause = Pause
settings-pause-hour = For 1 hour
settings-pause-tomorrow = Until tomorrow
settings-pause-resume = Resume
settings-notifications-on = Notifications are on.
# $until is a time today ("08:00"), or settings-weekday-time.
settings-paused-until = Notifications are paused until { $until }.
# A time on another day than today: $weekday is the day's name ("Tuesday"), $time the time ("08:00").
settings-weekday-time = { $weekday } { $time }
settings-quiet-hours = Quiet hours
settings-quiet-hours-desc = No pop-ups during these hours every day; reviews still wait in the tray.
# "From [22:00] to [07:00]"
settings-quiet-from = From
settings-quiet-to = to
settings-notify-about = Notify me about
settings-notify-reviews = Review requests only
settings-notify-all = Every message from my agents
settings-sound = Play a sound when a review needs my decision
settings-message-sound = Play a sound for my agents’ messages
settings-notify-agent-errors = Notify me when an agent reports an error
settings-mute-agents = Mute agents
settings-mute-agents-desc = Muted agents’ reviews do not pop up; they still count in the tray and the inbox.
settings-no-agents = No agents yet.
settings-sign-in-for-agents = Sign in to see your agents.
# An agent that has sub-agents (muting it mutes them too).
settings-agent-with-subs =
    { $count ->
        [one] { $agent } and its sub-agent
       *[other] { $agent } and its { $count } sub-agents
    }
# After a sub-agent's name (the space before it is part of the message).
settings-sub-agent-of = { " " }(a sub-agent of { $parent })
settings-agent-account = { " " }(on { $account })
# After an agent's name: its status ("active"), and what it said about it.
settings-agent-status = { " " }— { $status }
settings-agent-status-message = { " " }— { $status }: { $message }
settings-autostart = Start Placet Tray when I log in
# "Keep review windows ready for [2 minutes]"
settings-warm = Keep review windows ready for
settings-warm-none = no time
settings-warm-minutes =
    { $count ->
        [one] { $count } minute
       *[other] { $count } minutes
    }
settings-warm-seconds =
    { $count ->
        [one] { $count } second
       *[other] { $count } seconds
    }
settings-warm-desc = After a review notification or a closed window, so that a click shows the window at once. While ready they use about 200 MB of memory; with no time, each window takes a moment longer to open.

## Do Not Disturb and reminders

settings-attention-title = Do Not Disturb and reminders
settings-follow-dnd = Follow my desktop’s Do Not Disturb
settings-follow-dnd-desc = No pop-ups while it is on; reviews still count in the tray and wait in the inbox, and show when it ends.
settings-dnd-on = Your desktop’s Do Not Disturb is on.
settings-dnd-on-by = Your desktop’s Do Not Disturb is on ({ $by }).
settings-dnd-off = Your desktop’s Do Not Disturb is off (or your desktop does not say).
# "A review that expires within [10] minutes is urgent and shows anyway, once (0: never)"
settings-breakthrough-start = A review that expires within
settings-breakthrough-end = minutes is urgent and shows anyway, once (0: never)
# Around "priority: urgent" (shown as code): "… or a review marked priority: urgent)"
settings-agent-urgency-start = Reviews my agents mark urgent are urgent (an agent reporting an error, or a review marked
settings-agent-urgency-end = )
# "Remind me of a review left unanswered every [30] minutes, at most [3] times (0: never; never in quiet hours)"
settings-renudge-start = Remind me of a review left unanswered every
settings-renudge-middle = minutes, at most
settings-renudge-end = times (0: never; never in quiet hours)
# Names the buttons snooze-quarter-hour and snooze-hour of review notifications.
settings-snooze-buttons = “Remind me in 15 min” and “in 1 h” on review notifications
# "The tray’s badge turns dark red once a review waited [15] minutes (0: never)"
settings-overdue-start = The tray’s badge turns dark red once a review waited
settings-overdue-end = minutes (0: never)
settings-shortcut-title = Keyboard shortcut
settings-shortcut-desc = Opens the inbox at the oldest waiting review, from anywhere. Click the field and press the keys.
# The field the keys are pressed in.
settings-shortcut-field =
    .aria-label = Keyboard shortcut
# Sets no shortcut.
settings-shortcut-none = None
settings-shortcut-bound = Bound: { $keys }.
settings-no-shortcut = No shortcut.
# Ctrl, Alt, Shift and Super name keys as the shortcut field writes them.
settings-shortcut-hint = Hold Ctrl, Alt, Shift or Super and press a letter, a digit or a function key.
# "Keep decided reviews in the inbox’s history for [90] days"
settings-history-start = Keep decided reviews in the inbox’s history for
settings-history-end = days

## Answering

settings-answering-title = Answering
settings-answering-lead = An answer proposed from the command line is always shown to you in a window first, and only your Confirm there sends it.
settings-answer-only-in-windows = Answer only in Placet Tray's own windows
settings-answer-only-in-windows-desc = Notifications show no answer buttons or reply fields (a click opens the review), and proposals from the command line are refused. Turn this on when your agents run on this computer as you: programs can press notification buttons.

## Saving

settings-saving = Saving…
settings-saved = Saved.
# $reason is a sentence.
settings-not-saved = Not saved: { $reason }
settings-cannot-read = Cannot read the settings: { $reason }
