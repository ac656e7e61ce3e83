# The inbox words (en): the inbox window and its Decided tab, the confirmation window of
# a program's proposed answer, an agent's sign-in (OAuth) window, and the errors, times
# and sizes every page shows. English is the source and the fallback.
# Variables: $agent, $title, $option, $provider, $host are what an agent or the server
# sent (never translated); $count, $days, $hours, $minutes, $seconds are numbers; the
# rest are texts put together elsewhere (times, sizes, error details).

## The inbox: its page

inbox-heading = Pending reviews
inbox-settings = Settings
inbox-tabs =
    .aria-label = Reviews
inbox-tab-waiting = Waiting
inbox-agent-filter-label = Show reviews from
inbox-all-agents = All agents
inbox-search-label = Filter reviews by text
inbox-search =
    .placeholder = Filter by text…
inbox-checking-connection = Checking the connection…
inbox-sign-in = Sign in…
inbox-insecure = Not encrypted: this server is reached over plain http, so your session and answers travel unencrypted on the network.
inbox-list =
    .aria-label = Pending reviews, newest first
inbox-action-open = Open
inbox-action-web = Open in Placet
# The keys themselves (↑ ↓, Enter, A, R, O) stay as they are; these are the words after them.
inbox-keys =
    .aria-label = Keyboard shortcuts
inbox-key-select = select
inbox-key-open = open
inbox-key-approve = approve
inbox-key-reject = reject (asks to confirm)
inbox-key-web = open in Placet

## The inbox: the list

# $left: formatted by time-minutes, time-hours… ("2 h 05 min") or a clock ("4:59").
inbox-time-left = { $left } left
inbox-no-expiry = no expiry
inbox-expired = expired
# The kind of a review, on its badge (and searched by the filter).
inbox-kind-approval = Approval
inbox-kind-selection = Selection
inbox-kind-form = Form
inbox-kind-text = Text
inbox-kind-json = JSON
inbox-kind-external = Answer in Placet
# A review without a title: $kind is one of the inbox-kind-… words.
inbox-untitled = { $kind } review
# An agent's status and what it said with it: $status is "busy since 14:00".
inbox-agent-status = { $status }: { $message }
inbox-all-agents-count = All agents ({ $count })
# An agent in the agent filter, with how many of its reviews wait.
inbox-agent-option = { $agent } ({ $count })
inbox-agent-option-status = { $agent } — { $status } ({ $count })
inbox-group-count = { $count } pending
inbox-sending = Sending…
inbox-empty-title = Nothing is waiting for you
inbox-empty-hint = New reviews from your agents show up here.
inbox-no-match-title = No review matches
inbox-no-match-hint = Change the agent or the filter text.
inbox-signed-out-title = You are not signed in
inbox-signed-out-hint = Sign in to see your agents’ reviews.
inbox-error-title = The inbox cannot be shown

## The inbox: the selected review's actions, the keys' answers, the status line

inbox-actions-title = { $agent }: { $title }
inbox-approve-label = Send “{ $option }” to { $agent }
inbox-note-external = Only Placet can answer this review: open it there.
inbox-note-all-danger = Every option needs a confirming click: open the review.
inbox-press-again = Press A again in a moment: the inbox just came to the front.
inbox-watch-only = Watch-only: sign in with your account to answer.
inbox-external-key = Only Placet can answer this review. Press O to open it there.
inbox-not-approval = Only approvals can be answered with A. Press Enter to open this review.
inbox-all-danger-key = Every option of this review needs a confirming click. Press Enter to open it.
inbox-sent = Sent “{ $option }” to { $agent }.
inbox-opening-web = Opening in your browser…
inbox-opened-web = Opened in your browser.
# Parts of the status line, after the connection state and the account.
inbox-status-watch-only = watch-only
inbox-status-not-encrypted = not encrypted

## The inbox's Decided tab

history-tab = Decided
history-heading = Decided reviews
history-agent-label = Show decisions about
history-all-agents = All agents
history-search-label = Search decisions by text
history-search =
    .placeholder = Search decisions…
history-list =
    .aria-label = Decided reviews, newest first
history-note =
    { $days ->
        [one] Answered from this computer in the last { $days } day (Settings changes how long).
       *[other] Answered from this computer in the last { $days } days (Settings changes how long).
    }
# Where an answer was given, on its badge.
history-path-notification = Notification
history-path-window = Window
history-path-command-line = Command line
history-path-other = Other
# $where is how it was answered: "with a notification button", "in the inbox"…
history-given-in = Answered { $where }
# What became of an answer.
history-outcome-queued = waiting to be sent
history-outcome-sent = sent
history-outcome-answered-elsewhere = answered elsewhere first
history-outcome-expired = arrived too late
history-outcome-withdrawn = withdrawn by the agent
history-outcome-failed = not sent
history-outcome-discarded = discarded
# $outcome is one of the history-outcome-… words.
history-outcome-delivered = { $outcome }, delivered to the agent
history-entry-title = { $agent }: { $title }
# A decision about a review without a title: $type is the review's type as the agent named it.
history-untitled = { $type } review
# When it was decided: $time is "14:32", $date "3 Mar".
history-today = today { $time }
history-on-date = { $date } { $time }
history-open-web = Open in Placet
    .aria-label = Open { $agent }’s review in Placet
history-empty-title = Nothing decided yet
history-empty-hint = Reviews you answer show up here.
history-no-match-title = No decision matches
history-no-match-hint = Change the agent or the search text.
history-error-title = The history cannot be shown

## The confirmation window of a program's proposed answer

confirm-heading = A program proposes an answer
confirm-heading-reply = A program proposes a message
# Followed by the program's name.
confirm-proposed-by = Proposed by
# Followed by the agent's name.
confirm-review-from = The review, from
confirm-message =
    .aria-label = Message
confirm-answer-heading = The answer, exactly as it would be sent
confirm-reply-heading = The message, exactly as it would be sent
confirm-reply-to = To { $agent }, as you would write it in Placet's chat
confirm-json = As the server receives it (JSON)
confirm-cancel = Cancel
confirm-close = Close
confirm-open-review = Open the review
confirm-send = Confirm and send
confirm-arm-hint = Confirm becomes available { $seconds } s after this window is in front.
confirm-refused-title = This option is marked dangerous.
confirm-refused-detail = Placet Tray never sends a dangerous option for a program. If you mean it, open the review and choose it there yourself.
confirm-confirmed-title = Confirmed.
confirm-confirmed-detail = The answer is on its way.
confirm-confirmed-detail-reply = The message is on its way.
confirm-cancelled-title = Cancelled.
confirm-cancelled-detail = Nothing was sent.
confirm-lapsed-title = This proposal lapsed.
confirm-lapsed-detail = Nobody confirmed it in time; nothing was sent.
confirm-overtaken-title = Nothing to confirm any more.
confirm-overtaken-detail = The review was answered elsewhere, expired or withdrawn.
confirm-decide-failed = Cannot do that now.
confirm-open-failed = Cannot open the review.
confirm-load-failed = This proposal cannot be shown.
# $feedback is what the proposed answer asks the agent to change.
confirm-feedback = Request for changes: { $feedback }
# $proposed is when ("14:32", "Mon 14:32"), $lapses a time of day.
confirm-lapse = Proposed { $proposed }; it lapses unconfirmed at { $lapses }.

## An agent's sign-in (OAuth) window

oauth-page-loading = Loading…
oauth-page-title = { $agent } asks you to sign in to { $provider }
oauth-page-error-heading = Sign-in prompt
oauth-page-code-label = Enter this code on the sign-in page
oauth-page-copy = Copy the code
oauth-page-copied = Copied
# Followed by the page's address.
oauth-page-page = The page:
oauth-page-close = Close
oauth-page-open = Open { $host }
# $links: the addresses, separated by commas.
oauth-page-unsafe = Not opened, because it is not a safe address: { $links }
# $time: a time of day.
oauth-page-expires = This sign-in can be done until { $time }.
oauth-page-completed-title = Signed in.
oauth-page-completed-detail = The agent has what it asked for.
oauth-page-failed-title = The sign-in was refused.
oauth-page-timed-out-title = This sign-in has ended.
oauth-page-timed-out-detail = Its time ran out.
oauth-page-open-failed = Cannot open it.
oauth-page-load-failed = This sign-in cannot be shown.

## Shared by every page: what went wrong with a command ($detail is the app's or the
## server's own words)

error-not-connected = Placet Tray is not signed in. Sign in from the tray menu, then try again.
error-auth-expired = Your sign-in has expired. Sign in again from the tray menu; nothing you answered is lost.
error-network = The server cannot be reached: { $detail }
error-tls = The secure connection to the server failed: { $detail }
error-watch-only = You are signed in watch-only (with an API key). Sign in with your account to answer.
error-withdrawn = The agent withdrew this review.
error-not-found = This review no longer exists on the server.
error-already-answered = This review was already answered, or it has expired.
error-not-allowed = This window may not do that: { $detail }
error-insecure-http = Not sent: the server is reached over plain http, so your password and session would travel unencrypted. Use https, or allow unencrypted http for this server in the settings.
error-redirect = The server sent Placet Tray to another address: { $detail }
error-unknown = Something went wrong.

## Shared by every page: times and sizes

# A time on another day this week: $weekday "Mon", $time "14:32".
time-weekday-time = { $weekday } { $time }
# A time further back: $date "3 Mar", $time "14:32".
time-date-time = { $date } { $time }
# Time left (from ten minutes up; below, a clock shows "9:59").
time-minutes = { $minutes } min
time-hours = { NUMBER($hours, useGrouping: 0) } h
# The minutes always with two digits: "2 h 05 min".
time-hours-minutes = { NUMBER($hours, useGrouping: 0) } h { NUMBER($minutes, minimumIntegerDigits: 2) } min
# $size is a number already written for the language ("3.2").
time-size-bytes = { $size } B
time-size-kb = { $size } KB
time-size-mb = { $size } MB
time-size-gb = { $size } GB
time-size-tb = { $size } TB

## The conversation window

conversation-loading = Loading…
conversation-messages =
    .aria-label = Messages
conversation-your-message = Your message
conversation-placeholder =
    .placeholder = Write to the agent…
conversation-send-hint = Ctrl+Enter sends
conversation-send = Send
conversation-status = { $status }: { $message }
conversation-has-review = a review
conversation-attachments = { $count ->
    [one] 1 attachment
   *[other] { $count } attachments
}
conversation-streaming = still writing…
conversation-sending = sending…
conversation-empty = No messages yet.
conversation-waiting = { $count ->
    [one] 1 more message is waiting to be sent.
   *[other] { $count } more messages are waiting to be sent.
}
conversation-watch-only = Signed in with an API key: watch-only. Sign in with email and password to write to agents.
conversation-load-failed = This conversation cannot be shown.
conversation-send-failed = The message was not taken.
conversation-not-sent = A message was not sent.
conversation-attach = Attach files…
conversation-remove-file = Remove { $name }
conversation-storing = { $count ->
    [one] storing 1 file…
   *[other] storing { $count } files…
}
conversation-file-too-large = { $name } is too large to attach (at most { $most } MiB).
conversation-attach-failed = { $name } could not be attached.
