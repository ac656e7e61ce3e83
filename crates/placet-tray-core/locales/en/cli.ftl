# The cli words (en): what the `placet-tray` command line prints for a person (its --help
# and man page stay English, and so does everything `--json` prints), and the words of
# answers. Command names, flags and their values (`--option approve|reject`, `@-`) are
# not words: they stay as they are in every language.
# Variables: $count, $days, $hours, $minutes and $seconds are numbers, the rest text;
# $reason and $error are the words of an error (often English, from the server or the
# system).

## Errors and questions at the terminal

# Before every error a command prints on standard error.
cli-error = error: { $message }
cli-cannot-start = cannot start: { $error }
cli-not-signed-in = not signed in: run `placet-tray login --server URL --email EMAIL`
cli-keychain-unavailable = { $reason }. Nothing was saved. Start a Secret Service (GNOME Keyring or KWallet) and try again.
cli-invalid-answer = invalid answer: { $reason }
cli-answers-queued = { $reason } (--deliver-queued or --discard-queued)
cli-sign-in-again = { $reason }: sign in again with `placet-tray login`
cli-insecure-server = { $reason } (use https, or --allow-insecure-http if you accept the risk)
# A yes/no question; the letters show what cli-yes-words accepts (No is the default).
cli-ask-yes-no = { $question } [y/N]
# The answers that mean yes to cli-ask-yes-no, separated by spaces (any case).
cli-yes-words = y yes
# $what: api-key, password, current-password or new-password.
cli-stdin-unreadable =
    cannot read the { $what ->
        [api-key] API key
        [current-password] current password
        [new-password] new password
       *[password] password
    }: { $error }
cli-stdin-empty =
    no { $what ->
        [api-key] API key
        [current-password] current password
        [new-password] new password
       *[password] password
    } on standard input

## login, logout, password

cli-api-key-refused = the API key was refused
cli-password-prompt = Password for { $email }:{ " " }
cli-no-terminal-for-password = no terminal to ask for the password: use --password-stdin
cli-wrong-credentials = wrong email or password
cli-must-change-password = Your Placet server asks you to choose a new password: run `placet-tray password`.
cli-signed-in-watch-only = Signed in to { $server } with an API key (watch-only).
cli-signed-in = Signed in to { $server } as { $account }.
# $count: how many answers wait (German says it with a plural).
cli-logout-deliver-ask = { $count } answer(s) are still waiting to be sent. Deliver them before signing out?
cli-logout-discard-ask = Discard them and sign out?
cli-logout-kept = still signed in: nothing was discarded
cli-signed-out = Signed out of { $server } ({ $account }).
cli-password-current-prompt = Current password:{ " " }
cli-password-new-prompt = New password (8 characters or more):{ " " }
cli-password-again-prompt = New password again:{ " " }
cli-passwords-differ = the two new passwords differ; nothing was changed
cli-no-terminal-for-passwords = no terminal to ask for the passwords: use --stdin
cli-password-changed = Password changed.

## status

cli-status-not-signed-in = Not signed in.
cli-status-signed-in = Signed in to { $server } as { $account }
# $name: the person's display name on the server.
cli-status-signed-in-named = Signed in to { $server } as { $account } ({ $name })
# The address of the live connection, when it is not the web address.
cli-live-connection = Live connection: { $address }
cli-status-watch-only = Mode: watch-only (API key)
cli-status-server-reachable = Server: reachable
cli-status-server-problem = Server: { $reason }
cli-status-server-unreachable = Server: unreachable ({ $reason })
cli-status-pending = Pending reviews: { $count }
cli-status-queued = Answers waiting to be sent: { $count }
cli-status-agents = Agents:

## reviews, respond, open, retry

cli-no-pending-reviews = No pending reviews.
# $left: a cli-duration-… message.
cli-expires-in = expires in { $left }
cli-duration-seconds = { $seconds } s
cli-duration-minutes = { $minutes } min
cli-duration-hours = { $hours } h { $minutes } min
# $hint: the flags that answer the review (`--option approve|reject`).
cli-answer-with = answer with: { $hint }
cli-json-not-an-object = --json must be a JSON object
cli-json-invalid = --json is not valid JSON: { $error }
cli-field-forms-only = --field answers form reviews only
cli-field-stdin-once = only one --field can read standard input (@-)
# $field: a form field's name.
cli-field-stdin-unreadable = cannot read --field { $field } from standard input: { $error }
cli-field-file-unreadable = cannot read --field { $field } from { $path }: { $error }
cli-field-password-warning = warning: the password for `{ $field }` was given on the command line, where other programs on this computer can read it; use --field { $field }=@- to read it from standard input
cli-confirm-in-tray = Confirm or cancel the answer in Placet Tray's window (it shows the whole answer)…
cli-confirm-reply-in-tray = Confirm or cancel the message in Placet Tray's window (it shows the whole message)…
cli-reply-empty = The message is empty.
cli-reply-too-long = The message is too long ({ $count } characters; at most { $most }).
cli-reply-stdin-unreadable = Cannot read the message from standard input: { $error }
# $reply: the tray's reply as the program sees it.
cli-unexpected-reply = unexpected reply from Placet Tray: { $reply }
cli-no-tray = Placet Tray is not running. Answers from the command line are confirmed in the tray's window: start the tray and try again.
# $summary: the answer in words (answer-words-line).
cli-sent = Sent: { $summary }.
cli-not-sent-yet = Not sent yet ({ $reason }). The answer is queued and will be delivered when the server is reachable.
cli-not-sent-cancelled = Not sent: the answer was cancelled.
cli-not-sent-timed-out = Not sent: nobody confirmed the answer in time.
cli-not-sent = Not sent: { $reason }.
cli-opened = Opened { $page }
cli-delivery-retried = Delivery retried: the agent is sent the answer again.

## history, snoozes

# $days: how long the decision log keeps decisions.
cli-history-empty = No decided reviews (decisions are kept { $days } days).
cli-history-no-title = (no title recorded)
# $source: an answer-words-source-… message; $outcome: the decision's state as the log
# stores it (queued, sent, answeredElsewhere, expired, withdrawn, failed, discarded).
cli-history-answered = { $answer } — answered { $source } ({ $outcome })
cli-tray-answered = the tray answered { $reply }
cli-snoozes-cleared =
    { $count ->
        [0] Nothing was snoozed.
        [one] { $count } snooze cleared: the review is back.
       *[other] { $count } snoozes cleared: the reviews are back.
    }
cli-no-snoozes = No review is snoozed.
# $time: a time today ("14:00") or on another day ("Tue 08:00").
cli-snoozed-until = until { $time }

## The words of answers: what an answer says (the history, the command line, the
## confirmation of a program's answer). Labels, ids and texts are the agent's.

answer-words-with-comment = { $label } (“{ $comment }”)
answer-words-text = “{ $text }”
# A dismissal, where the review does not name it.
answer-words-dismiss = Dismiss
answer-words-option = option { $option }
answer-words-selected = selected { $ids }
# $count: how many values (never the values: they may be passwords).
answer-words-form = form with { $count } values
answer-words-json = JSON object with { $count } keys
answer-words-dismissed = dismissed
# An answer and the review it answers, on one line: "Approve — Deploy v2?".
answer-words-line = { $answer } — { $review }

## Where an answer was given: "Answered " and this (the history, the review window).

answer-words-source-notification-button = with a notification button
answer-words-source-notification-reply = with a reply typed in a notification
answer-words-source-review-window = in the review window
answer-words-source-inbox = in the inbox
answer-words-source-cli-at-terminal = from the command line, confirmed at the terminal
answer-words-source-cli-confirmed-by-click = as a program proposed it, confirmed in Placet Tray's confirmation window
answer-words-source-cli-unattended = from the command line, without confirmation
# $source: the source as the decision log stored it.
answer-words-source-elsewhere = elsewhere ({ $source })
