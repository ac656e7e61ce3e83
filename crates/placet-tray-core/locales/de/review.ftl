# Das Prüfungsfenster auf Deutsch: Kopf, Hinweisbanner, die Bedienelemente jeder Art von
# Prüfung, Anhänge, Erinnerungen. Die Ids und Variablen sind die der englischen Quelle.

## Die Seite

rw-page-title = Placet-Prüfung
rw-loading = Wird geladen…
rw-message =
    .aria-label = Nachricht
rw-earlier-rounds = Frühere Runden
rw-attachments = Anhänge
rw-answer-section =
    .aria-label = Deine Antwort
rw-unavailable = Prüfung nicht verfügbar
rw-cannot-load = Diese Prüfung kann nicht geladen werden.
rw-cannot-open-link = Der Link kann nicht geöffnet werden.
rw-no-review = Keine Prüfung zum Anzeigen.
rw-no-review-detail = Dieses Fenster wurde ohne die Id einer Prüfung geöffnet.
rw-watch-only = Nur lesen: Du bist mit einem API-Schlüssel angemeldet, und Placet bietet keine Möglichkeit, damit zu antworten. Melde dich mit deinem Konto an (Einstellungen), um Prüfungen zu beantworten.
rw-cannot-open = Kann nicht geöffnet werden: { $reason }

## Der Kopf: wann sie kam, wann sie abläuft

rw-received = Erhalten { $time }
rw-on-account = Auf { $account }
rw-expires-in = Läuft in { $left } ab
rw-expires-at = Läuft ab am { $time }
rw-expiring = Läuft ab
rw-expiring-title = Ihre Zeit war am { $time } um; Placet nimmt noch eine Antwort an, bis es sie als abgelaufen markiert
rw-no-expiry = Läuft nicht ab
rw-expiry-answered = Beantwortet
rw-expiry-withdrawn = Zurückgezogen
rw-expiry-expired = Abgelaufen

## Hinweisbanner: was aus der Prüfung und der Antwort wurde

rw-sending = Wird gesendet…
rw-sending-retrying = (neuer Versuch: { $detail })
rw-not-sent = Nicht gesendet.
rw-not-sent-colon = Nicht gesendet:
rw-taken-back = Deine Antwort wurde zurückgenommen, bevor sie den Server erreichte. Du kannst erneut antworten.
rw-answered-elsewhere = Anderswo beantwortet.
rw-answered-elsewhere-detail = Jemand hat diese Prüfung in einem anderen Placet-Client beantwortet.
rw-sent = Gesendet.
rw-sent-detail = Deine Antwort hat den Server erreicht.
rw-answered-here = Beantwortet.
rw-answered-here-detail = Du hast diese Prüfung in Placet Tray beantwortet.
rw-already-answered = Bereits beantwortet.
rw-already-answered-detail = Diese Prüfung wurde beantwortet.
rw-expired = Abgelaufen.
rw-expired-detail = Diese Prüfung ist abgelaufen; sie kann nicht mehr beantwortet werden.
rw-withdrawn = Vom Agenten zurückgezogen.
rw-withdrawn-after-answer = Der Agent hat diese Prüfung gelöscht, bevor ihn deine Antwort erreichte; es wurde nichts gesendet.
rw-withdrawn-detail = Der Agent hat diese Prüfung gelöscht; sie kann nicht mehr beantwortet werden.
rw-answer-given = Gegebene Antwort

## Die eigene Antwort aus dem Entscheidungsprotokoll: „Beantwortet im Prüfungsfenster,
## 14:02 · an den Agenten zugestellt“

rw-decision = Beantwortet { $how } · { $outcome }
rw-decision-at = Beantwortet { $how }, { $time } · { $outcome }
rw-outcome-sending = wird gesendet
rw-outcome-delivered = an den Agenten zugestellt
rw-outcome-webhook-failed = gesendet, aber der Webhook des Agenten ist fehlgeschlagen
rw-outcome-sent = gesendet
rw-outcome-answered-elsewhere = nicht gesendet: sie war schon anderswo beantwortet
rw-outcome-expired = nicht gesendet: die Prüfung war abgelaufen
rw-outcome-withdrawn = nicht gesendet: der Agent hat die Prüfung zurückgezogen
rw-outcome-failed = nicht gesendet: das Senden ist fehlgeschlagen
rw-outcome-discarded = beim Abmelden verworfen, nicht gesendet

## Die Zustellung der Antwort an den Agenten

rw-delivery-webhook-failed = Zustellung per Webhook fehlgeschlagen
rw-delivery-delivered = An den Agenten zugestellt
rw-delivery-acknowledged = Vom Agenten bestätigt
rw-retry = Erneut versuchen
rw-retrying = Neuer Versuch…
rw-delivery-retried = Erneut an den Agenten gesendet.
rw-retry-failed = Neuer Versuch fehlgeschlagen: { $reason }

## Frühere Runden einer überarbeiteten Prüfung

rw-previous-title =
    { $count ->
        [one] Version { $round }: die frühere Runde
       *[other] Version { $round }: die { $count } früheren Runden
    }
rw-round = Runde { $round }
rw-round-changes-asked = Runde { $round }: Du hast Änderungen angefordert
rw-your-feedback = Dein Feedback
rw-your-answer = Deine Antwort

## Änderungen anfordern

rw-request-changes = Änderungen anfordern…
rw-request-changes-label = Was soll der Agent ändern?
rw-request-changes-note = Wird mit deiner Antwort, dass diese Runde nicht angenommen ist, an den Agenten gesendet; meist kommt er mit einer überarbeiteten Version zurück.
rw-send-request-changes = Änderungswunsch senden

## Später erinnern

rw-snooze-title = Erinnere mich
rw-snooze-15m = in 15 Min.
rw-snooze-1h = in 1 Std.
rw-snooze-tomorrow = morgen früh
rw-snooze-until = Die Benachrichtigung kommt wieder: { $time }.

## Anhänge

rw-attachment-unnamed = Anhang
rw-download = Herunterladen
rw-download-label = { $filename } herunterladen
rw-downloading = Wird heruntergeladen…
rw-downloading-file = { $filename } wird heruntergeladen
rw-download-amount = { $received } von { $total }
rw-download-so-far = bisher { $received }
rw-saved-to = Gespeichert unter { $path }
rw-not-saved = Nicht gespeichert: { $reason }

## Freigabe: eine Schaltfläche je Option

rw-comment-label = Kommentar
rw-comment-placeholder = Ein Kommentar für den Agenten (optional)
rw-options = Optionen
rw-confirm-prefix = Bestätigen:{ " " }
rw-click-again = Klicke noch einmal auf „{ $label }“, um die Antwort zu senden. Drücke Escape, um abzubrechen.
rw-preselected = Du hast „{ $label }“ in der Benachrichtigung gewählt: Klicke darauf, um die Antwort zu senden.
rw-preselected-danger = Du hast „{ $label }“ in der Benachrichtigung gewählt. Diese Option ist als gefährlich markiert: Klicke darauf und dann noch einmal, um die Antwort zu senden.

## Auswahl

rw-choose-one = Wähle eine Option
rw-choose-any = Wähle beliebig viele
rw-confirm-selection = Auswahl bestätigen
rw-choose-one-hint = Wähle eine Option.
rw-choose-at-least-one = Wähle mindestens eine Option.
rw-selected-count =
    { $count ->
        [one] { $count } ausgewählt
       *[other] { $count } ausgewählt
    }

## Texteingabe

rw-text-placeholder = Schreib deine Antwort…
rw-send-response = Antwort senden
rw-characters = { $count } Zeichen
rw-write-first = Schreib zuerst eine Antwort.
rw-too-short = Mindestens { $min } Zeichen, es fehlen noch { $more }.
rw-too-long = Höchstens { $max } Zeichen: { $excess } zu viel.
rw-limits-min = Zeichen: mindestens { $min }.
rw-limits-max = Zeichen: höchstens { $max }.
rw-limits-both = Zeichen: mindestens { $min }, höchstens { $max }.
rw-markdown = Markdown wird unterstützt.

## Formular

rw-answer-form = Antwortformular
rw-submit = Senden
rw-choose = Auswählen…
rw-required-fields = Pflichtfelder: { $fields }.
rw-fields-need-fixing =
    { $count ->
        [one] Ein Feld muss korrigiert werden.
       *[other] { $count } Felder müssen korrigiert werden.
    }
rw-required = Pflichtfeld.
rw-must-be-on-off = Muss an oder aus sein.
rw-must-be-number = Muss eine Zahl sein.
rw-must-be-text = Muss Text sein.
rw-enter-number = Gib eine Zahl ein.
rw-enter-email = Gib eine E-Mail-Adresse ein, etwa name@example.com.
rw-enter-url = Gib eine vollständige URL ein, etwa https://example.com.
rw-choose-option = Wähle eine der Optionen.
rw-enter-date = Gib ein Datum ein.
rw-enter-time = Gib eine Uhrzeit ein.
rw-enter-datetime = Gib Datum und Uhrzeit ein.
rw-at-least = Muss mindestens { $min } sein.
rw-at-most = Darf höchstens { $max } sein.
rw-multiple-of = Muss ein Vielfaches von { $step } sein.
rw-base-plus-multiple = Muss { $base } plus ein Vielfaches von { $step } sein.

## Freie Antwort: JSON

rw-json-answer = Antwort als JSON
rw-schema-label = Schema (ein Hinweis des Agenten)
rw-expected-schema = Erwartetes Schema
rw-json-label = Deine Antwort (JSON)
rw-invalid-json = Ungültiges JSON: { $reason }
rw-not-an-object =
    { $type ->
        [null] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, nicht null.
        [array] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, kein Array.
        [string] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, keine Zeichenkette.
        [number] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, keine Zahl.
        [boolean] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, kein Wahrheitswert.
       *[other] Die Antwort muss ein JSON-Objekt ({ "{" } … { "}" }) sein, kein Wert vom Typ { $type }.
    }

## Eine Prüfung, die diese App nicht beantworten darf

rw-external-title = Diese Prüfung kann nur in Placet beantwortet werden.
rw-external-reason = Placet Tray kann diese Art von Prüfung nicht beantworten; öffne sie in Placet, um sie zu beantworten
rw-open-in-placet = In Placet öffnen
rw-opening = Wird in deinem Browser geöffnet…
rw-opened = In deinem Browser geöffnet.
rw-agent-sent = Was der Agent gesendet hat
