# The cli words (de): was die Kommandozeile `placet-tray` für Menschen ausgibt (ihr
# --help, ihre Manpage und alles, was `--json` ausgibt, bleiben englisch), und die Worte
# der Antworten. Befehle, Optionen und ihre Werte (`--option approve|reject`, `@-`)
# bleiben, wie sie sind.

## Fehler und Fragen im Terminal

cli-error = Fehler: { $message }
cli-cannot-start = kann nicht starten: { $error }
cli-not-signed-in = nicht angemeldet: Melde dich mit `placet-tray login --server URL --email EMAIL` an
cli-keychain-unavailable = { $reason }. Es wurde nichts gespeichert. Starte einen Secret Service (GNOME Keyring oder KWallet) und versuche es erneut.
cli-invalid-answer = ungültige Antwort: { $reason }
cli-answers-queued = { $reason } (--deliver-queued oder --discard-queued)
cli-sign-in-again = { $reason }: Melde dich mit `placet-tray login` erneut an
cli-insecure-server = { $reason } (nutze https, oder --allow-insecure-http, wenn du das Risiko in Kauf nimmst)
cli-ask-yes-no = { $question } [j/N]
cli-yes-words = j ja y yes
cli-stdin-unreadable =
    kann { $what ->
        [api-key] den API-Schlüssel
        [current-password] das aktuelle Passwort
        [new-password] das neue Passwort
       *[password] das Passwort
    } nicht lesen: { $error }
cli-stdin-empty =
    { $what ->
        [api-key] kein API-Schlüssel
        [current-password] kein aktuelles Passwort
        [new-password] kein neues Passwort
       *[password] kein Passwort
    } auf der Standardeingabe

## login, logout, password

cli-api-key-refused = der API-Schlüssel wurde abgelehnt
cli-password-prompt = Passwort für { $email }:{ " " }
cli-no-terminal-for-password = kein Terminal, um nach dem Passwort zu fragen: Nutze --password-stdin
cli-wrong-credentials = falsche E-Mail-Adresse oder falsches Passwort
cli-must-change-password = Dein Placet-Server bittet dich, ein neues Passwort zu wählen: Führe `placet-tray password` aus.
cli-signed-in-watch-only = Bei { $server } mit einem API-Schlüssel angemeldet (nur lesen).
cli-signed-in = Bei { $server } als { $account } angemeldet.
cli-logout-deliver-ask =
    { $count ->
        [one] { $count } Antwort wartet noch auf den Versand. Vor dem Abmelden zustellen?
       *[other] { $count } Antworten warten noch auf den Versand. Vor dem Abmelden zustellen?
    }
cli-logout-discard-ask = Verwerfen und abmelden?
cli-logout-kept = weiterhin angemeldet: Es wurde nichts verworfen
cli-signed-out = Von { $server } abgemeldet ({ $account }).
cli-password-current-prompt = Aktuelles Passwort:{ " " }
cli-password-new-prompt = Neues Passwort (mindestens 8 Zeichen):{ " " }
cli-password-again-prompt = Neues Passwort wiederholen:{ " " }
cli-passwords-differ = die beiden neuen Passwörter unterscheiden sich; es wurde nichts geändert
cli-no-terminal-for-passwords = kein Terminal, um nach den Passwörtern zu fragen: Nutze --stdin
cli-password-changed = Passwort geändert.

## status

cli-status-not-signed-in = Nicht angemeldet.
cli-status-signed-in = Bei { $server } als { $account } angemeldet
cli-status-signed-in-named = Bei { $server } als { $account } ({ $name }) angemeldet
cli-live-connection = Live-Verbindung: { $address }
cli-status-watch-only = Modus: nur lesen (API-Schlüssel)
cli-status-server-reachable = Server: erreichbar
cli-status-server-problem = Server: { $reason }
cli-status-server-unreachable = Server: nicht erreichbar ({ $reason })
cli-status-pending = Offene Prüfungen: { $count }
cli-status-queued = Antworten, die auf den Versand warten: { $count }
cli-status-agents = Agenten:

## reviews, respond, open, retry

cli-no-pending-reviews = Keine offenen Prüfungen.
cli-expires-in = läuft ab in { $left }
cli-duration-seconds = { $seconds } s
cli-duration-minutes = { $minutes } Min.
cli-duration-hours = { $hours } Std. { $minutes } Min.
cli-answer-with = antworte mit: { $hint }
cli-json-not-an-object = --json muss ein JSON-Objekt sein
cli-json-invalid = --json ist kein gültiges JSON: { $error }
cli-field-forms-only = --field beantwortet nur Formular-Prüfungen
cli-field-stdin-once = nur ein --field kann die Standardeingabe lesen (@-)
cli-field-stdin-unreadable = kann --field { $field } nicht von der Standardeingabe lesen: { $error }
cli-field-file-unreadable = kann --field { $field } nicht aus { $path } lesen: { $error }
cli-field-password-warning = Warnung: Das Passwort für `{ $field }` steht in der Kommandozeile, wo andere Programme auf diesem Computer es lesen können; nutze --field { $field }=@-, um es von der Standardeingabe zu lesen
cli-confirm-in-tray = Bestätige die Antwort im Fenster von Placet Tray oder brich sie ab (es zeigt die ganze Antwort)…
cli-confirm-reply-in-tray = Bestätige die Nachricht im Fenster von Placet Tray oder brich sie ab (es zeigt die ganze Nachricht)…
cli-reply-empty = Die Nachricht ist leer.
cli-reply-too-long = Die Nachricht ist zu lang ({ $count } Zeichen; höchstens { $most }).
cli-reply-stdin-unreadable = Die Nachricht kann nicht von der Standardeingabe gelesen werden: { $error }
cli-unexpected-reply = unerwartete Antwort von Placet Tray: { $reply }
cli-no-tray = Placet Tray läuft nicht. Antworten von der Kommandozeile werden im Fenster des Trays bestätigt: Starte das Tray und versuche es erneut.
cli-sent = Gesendet: { $summary }.
cli-not-sent-yet = Noch nicht gesendet ({ $reason }). Die Antwort wartet und wird zugestellt, sobald der Server erreichbar ist.
cli-not-sent-cancelled = Nicht gesendet: Die Antwort wurde abgebrochen.
cli-not-sent-timed-out = Nicht gesendet: Niemand hat die Antwort rechtzeitig bestätigt.
cli-not-sent = Nicht gesendet: { $reason }.
cli-opened = { $page } geöffnet
cli-delivery-retried = Zustellung wiederholt: Der Agent bekommt die Antwort erneut.

## history, snoozes

cli-history-empty =
    { $days ->
        [one] Keine entschiedenen Prüfungen (Entscheidungen werden { $days } Tag aufbewahrt).
       *[other] Keine entschiedenen Prüfungen (Entscheidungen werden { $days } Tage aufbewahrt).
    }
cli-history-no-title = (kein Titel gespeichert)
cli-history-answered = { $answer } – beantwortet { $source } ({ $outcome })
cli-tray-answered = das Tray antwortete { $reply }
cli-snoozes-cleared =
    { $count ->
        [0] Es war nichts zurückgestellt.
        [one] { $count } Erinnerung aufgehoben: Die Prüfung ist wieder da.
       *[other] { $count } Erinnerungen aufgehoben: Die Prüfungen sind wieder da.
    }
cli-no-snoozes = Keine Prüfung ist zurückgestellt.
cli-snoozed-until = bis { $time }

## Die Worte der Antworten: was eine Antwort sagt (der Verlauf, die Kommandozeile, die
## Bestätigung der Antwort eines Programms). Beschriftungen, Ids und Texte sind die des
## Agenten.

answer-words-with-comment = { $label } („{ $comment }“)
answer-words-text = „{ $text }“
answer-words-dismiss = Abweisen
answer-words-option = Option { $option }
answer-words-selected = ausgewählt: { $ids }
answer-words-form =
    { $count ->
        [one] Formular mit { $count } Wert
       *[other] Formular mit { $count } Werten
    }
answer-words-json =
    { $count ->
        [one] JSON-Objekt mit { $count } Schlüssel
       *[other] JSON-Objekt mit { $count } Schlüsseln
    }
answer-words-dismissed = abgewiesen
answer-words-line = { $answer } – { $review }

## Wo eine Antwort gegeben wurde: „Beantwortet “ und dies (der Verlauf, das Prüfungsfenster)

answer-words-source-notification-button = mit einer Schaltfläche der Benachrichtigung
answer-words-source-notification-reply = mit einer in die Benachrichtigung getippten Antwort
answer-words-source-review-window = im Prüfungsfenster
answer-words-source-inbox = im Posteingang
answer-words-source-cli-at-terminal = über die Kommandozeile, im Terminal bestätigt
answer-words-source-cli-confirmed-by-click = als Vorschlag eines Programms, im Bestätigungsfenster von Placet Tray bestätigt
answer-words-source-cli-unattended = über die Kommandozeile, ohne Bestätigung
answer-words-source-elsewhere = anderswo ({ $source })
