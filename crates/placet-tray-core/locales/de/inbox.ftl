# Die Wörter des Posteingangs (de): der Posteingang mit dem Reiter „Entschieden“, das
# Bestätigungsfenster für die vorgeschlagene Antwort eines Programms, das Anmeldefenster
# (OAuth) eines Agenten sowie Fehler, Zeiten und Größen, die jede Seite zeigt.
# Die Ids und Variablen sind die der englischen Quelle.

## Der Posteingang: die Seite

inbox-heading = Offene Prüfungen
inbox-settings = Einstellungen
inbox-tabs =
    .aria-label = Prüfungen
inbox-tab-waiting = Offen
inbox-agent-filter-label = Prüfungen anzeigen von
inbox-all-agents = Alle Agenten
inbox-search-label = Prüfungen nach Text filtern
inbox-search =
    .placeholder = Nach Text filtern…
inbox-checking-connection = Verbindung wird geprüft…
inbox-sign-in = Anmelden…
inbox-insecure = Nicht verschlüsselt: Dieser Server wird über einfaches http erreicht, deine Sitzung und deine Antworten gehen also unverschlüsselt durchs Netz.
inbox-list =
    .aria-label = Offene Prüfungen, neueste zuerst
inbox-action-open = Öffnen
inbox-action-web = In Placet öffnen
# Die Tasten selbst (↑ ↓, Enter, A, R, O) bleiben; dies sind die Wörter danach.
inbox-keys =
    .aria-label = Tastenkürzel
inbox-key-select = auswählen
inbox-key-open = öffnen
inbox-key-approve = zustimmen
inbox-key-reject = ablehnen (mit Rückfrage)
inbox-key-web = in Placet öffnen

## Der Posteingang: die Liste

inbox-time-left = noch { $left }
inbox-no-expiry = ohne Ablauf
inbox-expired = abgelaufen
inbox-kind-approval = Freigabe
inbox-kind-selection = Auswahl
inbox-kind-form = Formular
inbox-kind-text = Text
inbox-kind-json = JSON
inbox-kind-external = In Placet antworten
inbox-untitled = Prüfung ({ $kind })
inbox-agent-status = { $status }: { $message }
inbox-all-agents-count = Alle Agenten ({ $count })
inbox-agent-option = { $agent } ({ $count })
inbox-agent-option-status = { $agent } – { $status } ({ $count })
inbox-group-count = { $count } offen
inbox-sending = Wird gesendet…
inbox-empty-title = Nichts wartet auf dich
inbox-empty-hint = Neue Prüfungen deiner Agenten erscheinen hier.
inbox-no-match-title = Keine Prüfung passt
inbox-no-match-hint = Ändere den Agenten oder den Filtertext.
inbox-signed-out-title = Du bist nicht angemeldet
inbox-signed-out-hint = Melde dich an, um die Prüfungen deiner Agenten zu sehen.
inbox-error-title = Der Posteingang kann nicht angezeigt werden

## Der Posteingang: Aktionen der gewählten Prüfung, Antworten auf Tasten, Statuszeile

inbox-actions-title = { $agent }: { $title }
inbox-approve-label = „{ $option }“ an { $agent } senden
inbox-note-external = Nur Placet kann diese Prüfung beantworten: Öffne sie dort.
inbox-note-all-danger = Jede Option braucht einen bestätigenden Klick: Öffne die Prüfung.
inbox-press-again = Drücke gleich noch einmal A: Der Posteingang ist gerade erst nach vorne gekommen.
inbox-watch-only = Nur lesen: Melde dich mit deinem Konto an, um zu antworten.
inbox-external-key = Nur Placet kann diese Prüfung beantworten. Drücke O, um sie dort zu öffnen.
inbox-not-approval = Nur Freigaben lassen sich mit A beantworten. Drücke Enter, um diese Prüfung zu öffnen.
inbox-all-danger-key = Jede Option dieser Prüfung braucht einen bestätigenden Klick. Drücke Enter, um sie zu öffnen.
inbox-sent = „{ $option }“ an { $agent } gesendet.
inbox-opening-web = Wird in deinem Browser geöffnet…
inbox-opened-web = In deinem Browser geöffnet.
inbox-status-watch-only = nur lesen
inbox-status-not-encrypted = nicht verschlüsselt

## Der Reiter „Entschieden“ des Posteingangs

history-tab = Entschieden
history-heading = Entschiedene Prüfungen
history-agent-label = Entscheidungen anzeigen zu
history-all-agents = Alle Agenten
history-search-label = Entscheidungen nach Text durchsuchen
history-search =
    .placeholder = Entscheidungen durchsuchen…
history-list =
    .aria-label = Entschiedene Prüfungen, neueste zuerst
history-note =
    { $days ->
        [one] Am letzten Tag von diesem Computer aus beantwortet (wie lange, stellst du in den Einstellungen ein).
       *[other] In den letzten { $days } Tagen von diesem Computer aus beantwortet (wie lange, stellst du in den Einstellungen ein).
    }
history-path-notification = Benachrichtigung
history-path-window = Fenster
history-path-command-line = Kommandozeile
history-path-other = Sonstiges
history-given-in = Beantwortet { $where }
history-outcome-queued = wartet auf das Senden
history-outcome-sent = gesendet
history-outcome-answered-elsewhere = zuerst anderswo beantwortet
history-outcome-expired = kam zu spät
history-outcome-withdrawn = vom Agenten zurückgezogen
history-outcome-failed = nicht gesendet
history-outcome-discarded = verworfen
history-outcome-delivered = { $outcome }, an den Agenten zugestellt
history-entry-title = { $agent }: { $title }
history-untitled = Prüfung ({ $type })
history-today = heute { $time }
history-on-date = { $date } { $time }
history-open-web = In Placet öffnen
    .aria-label = Die Prüfung von { $agent } in Placet öffnen
history-empty-title = Noch nichts entschieden
history-empty-hint = Prüfungen, die du beantwortest, erscheinen hier.
history-no-match-title = Keine Entscheidung passt
history-no-match-hint = Ändere den Agenten oder den Suchtext.
history-error-title = Der Verlauf kann nicht angezeigt werden

## Das Bestätigungsfenster für die vorgeschlagene Antwort eines Programms

confirm-heading = Ein Programm schlägt eine Antwort vor
confirm-heading-reply = Ein Programm schlägt eine Nachricht vor
# Danach der Name des Programms.
confirm-proposed-by = Vorgeschlagen von
# Danach der Name des Agenten.
confirm-review-from = Die Prüfung von
confirm-message =
    .aria-label = Nachricht
confirm-answer-heading = Die Antwort, genau so, wie sie gesendet würde
confirm-reply-heading = Die Nachricht, genau so, wie sie gesendet würde
confirm-reply-to = An { $agent }, so, als hättest du sie im Chat von Placet geschrieben
confirm-json = So, wie der Server sie erhält (JSON)
confirm-cancel = Abbrechen
confirm-close = Schließen
confirm-open-review = Prüfung öffnen
confirm-send = Bestätigen und senden
confirm-arm-hint = Bestätigen wird möglich, sobald dieses Fenster { $seconds } s im Vordergrund ist.
confirm-refused-title = Diese Option ist als gefährlich markiert.
confirm-refused-detail = Placet Tray sendet eine gefährliche Option nie für ein Programm. Wenn du sie wirklich willst, öffne die Prüfung und wähle sie dort selbst.
confirm-confirmed-title = Bestätigt.
confirm-confirmed-detail = Die Antwort ist unterwegs.
confirm-confirmed-detail-reply = Die Nachricht ist unterwegs.
confirm-cancelled-title = Abgebrochen.
confirm-cancelled-detail = Es wurde nichts gesendet.
confirm-lapsed-title = Dieser Vorschlag ist verfallen.
confirm-lapsed-detail = Niemand hat ihn rechtzeitig bestätigt; es wurde nichts gesendet.
confirm-overtaken-title = Nichts mehr zu bestätigen.
confirm-overtaken-detail = Die Prüfung wurde anderswo beantwortet, ist abgelaufen oder wurde zurückgezogen.
confirm-decide-failed = Das geht gerade nicht.
confirm-open-failed = Die Prüfung kann nicht geöffnet werden.
confirm-load-failed = Dieser Vorschlag kann nicht angezeigt werden.
confirm-feedback = Bitte um Änderungen: { $feedback }
confirm-lapse = Vorgeschlagen: { $proposed }; ohne Bestätigung verfällt er um { $lapses }.

## Das Anmeldefenster (OAuth) eines Agenten

oauth-page-loading = Wird geladen…
oauth-page-title = { $agent } bittet dich, dich bei { $provider } anzumelden
oauth-page-error-heading = Anmeldeaufforderung
oauth-page-code-label = Gib diesen Code auf der Anmeldeseite ein
oauth-page-copy = Code kopieren
oauth-page-copied = Kopiert
# Danach die Adresse der Seite.
oauth-page-page = Die Seite:
oauth-page-close = Schließen
oauth-page-open = { $host } öffnen
oauth-page-unsafe = Nicht geöffnet, weil es keine sichere Adresse ist: { $links }
oauth-page-expires = Diese Anmeldung ist bis { $time } möglich.
oauth-page-completed-title = Angemeldet.
oauth-page-completed-detail = Der Agent hat, worum er gebeten hat.
oauth-page-failed-title = Die Anmeldung wurde abgelehnt.
oauth-page-timed-out-title = Diese Anmeldung ist beendet.
oauth-page-timed-out-detail = Ihre Zeit ist abgelaufen.
oauth-page-open-failed = Kann nicht geöffnet werden.
oauth-page-load-failed = Diese Anmeldung kann nicht angezeigt werden.

## Von jeder Seite geteilt: was bei einem Befehl schiefging ($detail sind die Worte der
## App oder des Servers)

error-not-connected = Placet Tray ist nicht angemeldet. Melde dich über das Tray-Menü an und versuche es dann erneut.
error-auth-expired = Deine Anmeldung ist abgelaufen. Melde dich über das Tray-Menü erneut an; nichts, was du beantwortet hast, geht verloren.
error-network = Der Server ist nicht erreichbar: { $detail }
error-tls = Die sichere Verbindung zum Server ist fehlgeschlagen: { $detail }
error-watch-only = Du bist nur lesend angemeldet (mit einem API-Schlüssel). Melde dich mit deinem Konto an, um zu antworten.
error-withdrawn = Der Agent hat diese Prüfung zurückgezogen.
error-not-found = Diese Prüfung gibt es auf dem Server nicht mehr.
error-already-answered = Diese Prüfung wurde bereits beantwortet oder ist abgelaufen.
error-not-allowed = Dieses Fenster darf das nicht: { $detail }
error-insecure-http = Nicht gesendet: Der Server wird über einfaches http erreicht, dein Passwort und deine Sitzung würden also unverschlüsselt übertragen. Verwende https oder erlaube in den Einstellungen unverschlüsseltes http für diesen Server.
error-redirect = Der Server hat Placet Tray an eine andere Adresse geschickt: { $detail }
error-unknown = Etwas ist schiefgelaufen.

## Von jeder Seite geteilt: Zeiten und Größen

time-weekday-time = { $weekday } { $time }
time-date-time = { $date } { $time }
time-minutes = { $minutes } Min.
time-hours = { NUMBER($hours, useGrouping: 0) } Std.
time-hours-minutes = { NUMBER($hours, useGrouping: 0) } Std. { NUMBER($minutes, minimumIntegerDigits: 2) } Min.
time-size-bytes = { $size } B
time-size-kb = { $size } KB
time-size-mb = { $size } MB
time-size-gb = { $size } GB
time-size-tb = { $size } TB

## The conversation window

conversation-loading = Wird geladen…
conversation-messages =
    .aria-label = Nachrichten
conversation-your-message = Deine Nachricht
conversation-placeholder =
    .placeholder = An den Agenten schreiben…
conversation-send-hint = Strg+Eingabe sendet
conversation-send = Senden
conversation-status = { $status }: { $message }
conversation-has-review = eine Prüfung
conversation-attachments = { $count ->
    [one] 1 Anhang
   *[other] { $count } Anhänge
}
conversation-streaming = schreibt noch…
conversation-sending = wird gesendet…
conversation-empty = Noch keine Nachrichten.
conversation-waiting = { $count ->
    [one] 1 weitere Nachricht wartet darauf, gesendet zu werden.
   *[other] { $count } weitere Nachrichten warten darauf, gesendet zu werden.
}
conversation-watch-only = Mit einem API-Schlüssel angemeldet: nur lesen. Melde dich mit E-Mail und Passwort an, um Agenten zu schreiben.
conversation-load-failed = Diese Unterhaltung kann nicht angezeigt werden.
conversation-send-failed = Die Nachricht wurde nicht angenommen.
conversation-not-sent = Eine Nachricht wurde nicht gesendet.
conversation-attach = Dateien anhängen…
conversation-remove-file = { $name } entfernen
conversation-storing = { $count ->
    [one] 1 Datei wird gespeichert…
   *[other] { $count } Dateien werden gespeichert…
}
conversation-file-too-large = { $name } ist zu groß zum Anhängen (höchstens { $most } MiB).
conversation-attach-failed = { $name } konnte nicht angehängt werden.
