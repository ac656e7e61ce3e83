# The review window (ui/app/review.html and its scripts): the header, banners, the
# controls of every review type, attachments, snoozes. English is the source and the
# fallback.
# Variables: $agent, $label, $filename, $fields and $detail/$reason are text as the
# agent, the server or the system gave it; $time and $left are times already in words;
# $count and the like are numbers.

## The page

rw-page-title = Placet review
rw-loading = Loading…
rw-message =
    .aria-label = Message
rw-earlier-rounds = Earlier rounds
rw-attachments = Attachments
rw-answer-section =
    .aria-label = Your answer
rw-unavailable = Review unavailable
rw-cannot-load = Cannot load this review.
rw-cannot-open-link = Cannot open the link.
rw-no-review = No review to show.
rw-no-review-detail = This window was opened without a review id.
rw-watch-only = Watch-only: you are signed in with an API key, and Placet offers no way to answer with one. Sign in with your account (Settings) to answer reviews.
# Opening the review in Placet's web app failed: $reason says why.
rw-cannot-open = Cannot open it: { $reason }

## The header: when it came, when it expires

# $time: "14:32", "Mon 14:32" or a short date and time.
rw-received = Received { $time }
rw-on-account = On { $account }
# $left: "2 h 05 min", "12 min", or "4:59" in the last minutes.
rw-expires-in = Expires in { $left }
# The tooltip of the countdown: a full date and time.
rw-expires-at = Expires at { $time }
rw-expiring = Expiring
rw-expiring-title = Its time was up at { $time }; Placet still takes an answer until it marks it expired
rw-no-expiry = No expiry
rw-expiry-answered = Answered
rw-expiry-withdrawn = Withdrawn
rw-expiry-expired = Expired

## Banners: what became of the review and of the answer
## (a title, then a detail after it)

rw-sending = Sending…
# $detail: why the last attempt failed, as the system said it.
rw-sending-retrying = (retrying: { $detail })
rw-not-sent = Not sent.
# Before the reason why an answer was refused as invalid.
rw-not-sent-colon = Not sent:
rw-taken-back = Your answer was taken back before it reached the server. You can answer again.
rw-answered-elsewhere = Answered elsewhere.
rw-answered-elsewhere-detail = Someone answered this review in another Placet client.
rw-sent = Sent.
rw-sent-detail = Your answer reached the server.
rw-answered-here = Answered.
rw-answered-here-detail = You answered this review from Placet Tray.
rw-already-answered = Already answered.
rw-already-answered-detail = This review has been answered.
rw-expired = Expired.
rw-expired-detail = This review expired; it can no longer be answered.
rw-withdrawn = Withdrawn by the agent.
rw-withdrawn-after-answer = The agent deleted this review before your answer reached it; nothing was sent.
rw-withdrawn-detail = The agent deleted this review; it can no longer be answered.
# A folded box with the answer given, as JSON.
rw-answer-given = Answer given

## Our own answer, from the decision log: "Answered in the review window at 14:02 ·
## delivered to the agent". $how is where it was given ("in the review window"), $time
## when, $outcome one of the rw-outcome-… words.

rw-decision = Answered { $how } · { $outcome }
rw-decision-at = Answered { $how } at { $time } · { $outcome }
rw-outcome-sending = sending
rw-outcome-delivered = delivered to the agent
rw-outcome-webhook-failed = sent, but the agent’s webhook failed
rw-outcome-sent = sent
rw-outcome-answered-elsewhere = not sent: it had been answered elsewhere
rw-outcome-expired = not sent: the review had expired
rw-outcome-withdrawn = not sent: the agent withdrew the review
rw-outcome-failed = not sent: sending failed
rw-outcome-discarded = discarded at sign-out, not sent

## The answer's delivery to the agent (the web UI's words)

rw-delivery-webhook-failed = Webhook delivery failed
rw-delivery-delivered = Delivered to agent
rw-delivery-acknowledged = Acknowledged by agent
rw-retry = Retry
rw-retrying = Retrying…
rw-delivery-retried = Sent to the agent again.
rw-retry-failed = Retry failed: { $reason }

## Earlier rounds of a revised review

# $round: this revision's number; $count: how many rounds came before.
rw-previous-title =
    { $count ->
        [one] Revision { $round }: the earlier round
       *[other] Revision { $round }: the earlier { $count } rounds
    }
rw-round = Round { $round }
rw-round-changes-asked = Round { $round }: you asked for changes
rw-your-feedback = Your feedback
rw-your-answer = Your answer

## Request changes

rw-request-changes = Request changes…
rw-request-changes-label = What should the agent change?
rw-request-changes-note = Sent to the agent with your answer that this round is not accepted; it usually comes back with a revision.
rw-send-request-changes = Send request for changes

## Remind me later

rw-snooze-title = Remind me
rw-snooze-15m = in 15 min
rw-snooze-1h = in 1 h
rw-snooze-tomorrow = tomorrow morning
# $time: "08:00", or "Tue 08:00" on another day.
rw-snooze-until = Its notification comes back at { $time }.

## Attachments

# A file the agent gave no name.
rw-attachment-unnamed = attachment
rw-download = Download
rw-download-label = Download { $filename }
rw-downloading = Downloading…
rw-downloading-file = Downloading { $filename }
# $received and $total: sizes in words ("1.2 MB").
rw-download-amount = { $received } of { $total }
rw-download-so-far = { $received } so far
rw-saved-to = Saved to { $path }
rw-not-saved = Not saved: { $reason }

## Approval: one button per option

rw-comment-label = Comment
rw-comment-placeholder = Add a comment for the agent (optional)
rw-options = Options
# Before the label of a dangerous option waiting for its confirming click.
rw-confirm-prefix = Confirm:{ " " }
# "Escape" names the key.
rw-click-again = Click “{ $label }” again to send it. Press Escape to cancel.
rw-preselected = You chose “{ $label }” in the notification: click it to send it.
rw-preselected-danger = You chose “{ $label }” in the notification. It is marked dangerous: click it, then click it again to send it.

## Selection

rw-choose-one = Choose one
rw-choose-any = Choose any
rw-confirm-selection = Confirm Selection
rw-choose-one-hint = Choose one.
rw-choose-at-least-one = Choose at least one.
rw-selected-count =
    { $count ->
        [one] { $count } selected
       *[other] { $count } selected
    }

## Text input

rw-text-placeholder = Type your response…
rw-send-response = Send Response
# The counter under the text while it has no maximum.
rw-characters =
    { $count ->
        [one] { $count } character
       *[other] { $count } characters
    }
rw-write-first = Write an answer first.
# $more: how many characters are still missing.
rw-too-short =
    { $min ->
        [one] At least { $min } character, { $more } more to go.
       *[other] At least { $min } characters, { $more } more to go.
    }
# $excess: how many characters are too many.
rw-too-long =
    { $max ->
        [one] At most { $max } character: { $excess } too many.
       *[other] At most { $max } characters: { $excess } too many.
    }
rw-limits-min = Characters: at least { $min }.
rw-limits-max = Characters: at most { $max }.
rw-limits-both = Characters: at least { $min }, at most { $max }.
rw-markdown = Markdown is supported.

## Form

rw-answer-form = Answer form
rw-submit = Submit
# An empty choice in a drop-down list.
rw-choose = Choose…
# $fields: the labels of the fields still empty, separated by commas.
rw-required-fields = Required: { $fields }.
rw-fields-need-fixing =
    { $count ->
        [one] One field needs fixing.
       *[other] { $count } fields need fixing.
    }
rw-required = Required.
rw-must-be-on-off = Must be on or off.
rw-must-be-number = Must be a number.
rw-must-be-text = Must be text.
rw-enter-number = Enter a number.
rw-enter-email = Enter an email address, like name@example.com.
rw-enter-url = Enter a full URL, like https://example.com.
rw-choose-option = Choose one of the options.
rw-enter-date = Enter a date.
rw-enter-time = Enter a time.
rw-enter-datetime = Enter a date and time.
# $min, $max, $step, $base: numbers as the agent wrote them.
rw-at-least = Must be at least { $min }.
rw-at-most = Must be at most { $max }.
rw-multiple-of = Must be a multiple of { $step }.
rw-base-plus-multiple = Must be { $base } plus a multiple of { $step }.

## Freeform: a JSON answer

rw-json-answer = JSON answer
rw-schema-label = Schema (a hint from the agent)
rw-expected-schema = Expected schema
rw-json-label = Your answer (JSON)
# $reason: the parser's message, as the browser engine words it.
rw-invalid-json = Invalid JSON: { $reason }
# $type: what was given instead: null, array, string, number or boolean.
rw-not-an-object =
    { $type ->
        [null] The answer must be a JSON object ({ "{" } … { "}" }), not null.
        [array] The answer must be a JSON object ({ "{" } … { "}" }), not an array.
       *[other] The answer must be a JSON object ({ "{" } … { "}" }), not a { $type }.
    }

## A review this app must not answer

rw-external-title = This review can only be answered in Placet.
rw-external-reason = Placet Tray cannot answer this kind of review; open it in Placet to answer it
rw-open-in-placet = Open in Placet
rw-opening = Opening in your browser…
rw-opened = Opened in your browser.
rw-agent-sent = What the agent sent
