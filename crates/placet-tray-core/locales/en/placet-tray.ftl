# Placet Tray's words outside its web pages: notifications, the tray menu and tooltip,
# connection states, delivery outcomes. English is the source and the fallback.
# Variables: $agent and $server are names, $count and $n numbers, the rest text.

## The app as the desktop lists it: the .desktop file and the AppStream summary carry
## these in every language (a test compares them).

app-name = Placet Tray
app-generic-name = Agent Review Notifier
app-comment = Answer your AI agents' review requests from the desktop
app-keywords = AI;agent;review;approval;Placet;notification;tray;
app-action-inbox = Inbox
app-action-settings = Settings

## A review's notification

review-title = { $agent } needs your review
review-no-text = An agent is waiting for your decision.
review-revised = Revised after your feedback (revision { $n }). { $text }
review-open-in-placet = Open in Placet
review-click-to-open = Click to open it.
review-click-to-answer = Click to open the review and answer.
review-your-answer = Your answer
review-comment-placeholder = A comment, then choose an option
review-add-comment = Add comment
review-open = Open
review-with-comment =
    Your comment: “{ $comment }”
    Choose an option to send it.
review-watch-only = Watch-only: sign in with your Placet account in Placet Tray's settings to answer.
# A danger option's button: the ellipsis says it opens the review for a confirming click.
review-danger-option = { $label }…

reply-refused-title = Your reply was not sent
reply-refused-body = { $reason }. The review is open to answer there.

## The summary that stands for many reviews and messages

summary-reviews =
    { $count ->
        [one] { $count } review needs you
       *[other] { $count } reviews need you
    }
summary-messages =
    { $count ->
        [one] { $count } new message from your agents
       *[other] { $count } new messages from your agents
    }
summary-both =
    { $reviews ->
        [one] { $reviews } review needs you
       *[other] { $reviews } reviews need you
    }, { $messages ->
        [one] { $messages } new message
       *[other] { $messages } new messages
    }

## Other notifications

proposal-title = A program proposes an answer
proposal-body =
    To { $agent }: { $review }
    Open it to see the whole answer and confirm or cancel it.
proposal-open = Review the answer
reply-proposal-open = Review the message
reply-summary = message to { $agent }
message-reply-placeholder = Reply to { $agent }
message-reply-send = Send
message-reply-button = Reply…
reply-failed-title = Your message to { $agent } was not sent
reply-failed-body = { $reason }
reply-proposal-title = A program proposes a message
reply-proposal-body =
    To { $agent }: { $text }
    Open it to see the whole message and confirm or cancel it.
auth-expired-title = Sign in to Placet again
auth-expired-body = { $server } no longer accepts your sign-in. Click to sign in again; answers you gave are kept.
answer-failed-title = Your answer was not sent
answer-failed-body = { $agent }: { $reason }
answered-elsewhere-title = Already answered elsewhere
answered-elsewhere-body = { $agent }'s review was answered in another client before your answer arrived; yours was not used.
answered-too-late-title = Your answer arrived too late
answered-too-late-body = { $agent }'s review expired before your answer reached the server.
answer-withdrawn-body = { $agent } withdrew the review before your answer arrived.
answer-unreadable-title = A queued answer cannot be read
answer-unreadable-body = An answer queued earlier was sealed with a key this sign-in does not have; it is kept and never sent. Answer the review again.
agent-error-title = { $agent } reports an error
agent-error-no-details = No details were given.
oauth-title = { $agent } asks you to sign in to { $provider }
oauth-enter-code = Enter the code { $code } at { $host }.
oauth-open-link = Open it to sign in at { $host }.
oauth-unsafe-link = Its sign-in link is not safe to open: see it in the window.
shortcut-refused-title = The shortcut { $keys } is not available
shortcut-refused-body = { $reason } Choose other keys in Placet Tray's settings.

## Attention: why a notification came back, snoozes, waits

snooze-quarter-hour = Remind me in 15 min
snooze-hour = Remind me in 1 h
wait-under-a-minute = under a minute
wait-minutes = { $minutes } min
wait-hours = { $hours } h
wait-hours-minutes = { $hours } h { $minutes } min
wait-days =
    { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
left-now = now
left-in = in { $wait }
waiting-none = nothing pending
waiting-one-for = 1 waiting for { $wait }
waiting-oldest = { $count } waiting, oldest { $wait }
waiting-count = { $count } waiting
waited-one-for = { " " }for { $wait }
waited-oldest = , oldest { $wait }
raised-expires-despite-dnd = Expires { $left } — shown despite Do Not Disturb.
raised-about-to-expire-despite-dnd = About to expire — shown despite Do Not Disturb.
raised-expires = Expires { $left }.
raised-still-waiting = Still waiting for you ({ $wait }).
raised-snooze-over = You asked to be reminded.
raised-marked-urgent = Marked urgent by the agent.
raised-reminder-title = Reminder: { $title }

## The tray: menu, tooltip, status line

menu-review-of-kind = { $kind } review
retry-now = retrying now
retry-in = retry in { $seconds } s
state-signed-out = Signed out
state-connecting = Connecting…
state-connected = Connected
state-reconnecting = Reconnecting (attempt { $attempt }, { $retry }): { $reason }
state-offline = Offline: { $reason } ({ $retry })
state-auth-expired = Signed out by the server: sign in again
status-not-encrypted = { " " }— not encrypted
status-connected =
    { $count ->
        [0] Connected to { $host } — nothing pending
        [one] Connected to { $host } — { $count } review waiting
       *[other] Connected to { $host } — { $count } reviews waiting
    }
status-connecting = Connecting to { $host }…
status-reconnecting = Reconnecting to { $host } (attempt { $attempt })…
status-offline = Offline: { $reason }
status-auth-expired = Sign-in expired — sign in again
tooltip = Placet Tray — { $what }
agent-active = active
agent-busy = busy
agent-error = error
agent-offline = offline
agent-unknown = unknown status
agent-since = { $status } since { $time }
paused-until = Notifications paused until { $until }
menu-sign-out = Sign out ({ $who })
menu-sign-in = Sign in…
menu-sign-out-of = Sign out of
menu-more = …and { $count } more
menu-inbox = Open inbox
menu-agents = Agents
menu-pause = Pause notifications
menu-pause-hour = For 1 hour
menu-pause-tomorrow = Until tomorrow
menu-resume = Resume
menu-autostart = Start at login
menu-settings = Settings…
menu-quit = Quit Placet Tray

## Window titles

window-review = Placet review
window-review-of = { $agent } — Placet review
window-conversation = Conversation — Placet Tray
window-confirm = Confirm a proposal — Placet Tray
window-oauth = Sign in for an agent — Placet Tray
window-inbox = Placet inbox
window-settings = Placet Tray settings

## The global shortcut

shortcut-open-settings = Open settings
shortcut-unavailable = This desktop cannot give Placet Tray a keyboard shortcut: { $reason }.
shortcut-taken = { $keys } is not available: { $reason }
shortcut-description = Open the Placet inbox at the oldest waiting review

## Times

# "Tue 08:00": a time on another day than today ($weekday: 1 Monday … 7 Sunday).
weekday-time =
    { $weekday ->
        [1] Mon
        [2] Tue
        [3] Wed
        [4] Thu
        [5] Fri
        [6] Sat
       *[7] Sun
    } { $time }
