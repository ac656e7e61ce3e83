# The settings words (de).
# Das Einstellungsfenster auf Deutsch: abgemeldet das Anmeldeformular (sign-in-*),
# angemeldet das Konto und die Einstellungen (settings-*). Ids und Variablen wie im
# Englischen.

## Anmelden (das Fenster im abgemeldeten Zustand)

sign-in-title = Bei Placet anmelden
sign-in-lead = Verbinde dich mit deinem Placet-Server, um benachrichtigt zu werden, wenn deine Agenten um eine Prüfung bitten.
sign-in-server = Server-URL
sign-in-checking = Wird geprüft…
sign-in-server-found = Placet-Server gefunden unter { $server }.
sign-in-server-found-split = Placet-Server gefunden unter { $server }, seine Live-Verbindung unter { $api }.
sign-in-redirect-text = Der Server verweist stattdessen auf { $url }.
sign-in-use-redirect = Diese Adresse verwenden
sign-in-use-redirect-to = { $url } verwenden
sign-in-api-url = Adresse der Live-Verbindung
sign-in-api-url-desc-start = Woher Placets Live-Updates kommen, wenn nicht von der Adresse oben: das Backend deines Placet, das seine Weboberfläche über
sign-in-api-url-desc-end = findet (standardmäßig derselbe Host auf Port 3001).
sign-in-insecure-title = Diese Adresse ist nicht verschlüsselt.
sign-in-insecure-text = Mit einfachem http zu einem anderen Computer gehen dein Passwort und deine Sitzung unverschlüsselt über das Netz: Jeder im Netzwerk zwischen dir und dem Server kann sie mitlesen und in deinem Namen handeln. Verwende eine https-Adresse, wenn der Server eine hat.
sign-in-allow-insecure = Unverschlüsseltes http für diesen Server erlauben
sign-in-email = E-Mail
sign-in-password = Passwort
sign-in-api-key = API-Schlüssel
sign-in-key-note = Nur lesen: Mit einem API-Schlüssel siehst du die Prüfungen deiner Agenten und wirst benachrichtigt, kannst sie aber nicht beantworten (Placet nimmt Antworten nur von einem angemeldeten Konto an).
sign-in-keychain-text = Der Schlüsselbund des Systems (Secret Service) ist nicht verfügbar, daher kann Placet Tray deine Anmeldung auf diesem Computer nicht sicher aufbewahren. Du kannst angemeldet bleiben, bis Placet Tray beendet wird; beim nächsten Mal musst du dich erneut anmelden.
sign-in-this-run-only = Nur für diese Sitzung angemeldet bleiben
sign-in-use-api-key = Einen API-Schlüssel verwenden (nur lesen)
sign-in-use-password = E-Mail und Passwort verwenden
sign-in-submit = Anmelden
sign-in-submitting = Anmeldung läuft…
sign-in-cancel-add = Abbrechen

## Anmelden: ein leeres Feld

sign-in-enter-server = Gib die Adresse deines Placet-Servers ein.
sign-in-enter-email = Gib deine E-Mail-Adresse ein.
sign-in-enter-password = Gib dein Passwort ein.
sign-in-enter-api-key = Gib deinen API-Schlüssel ein.

## Anmelden: warum es nicht geklappt hat

sign-in-bad-input = Das ist keine Serveradresse: { $reason }. Verwende die Adresse, unter der du Placet öffnest, etwa https://placet.example.com.
sign-in-network = Der Server ist nicht erreichbar: { $reason }. Prüfe die Adresse und deine Netzwerkverbindung.
sign-in-tls = Die sichere Verbindung (TLS) ist fehlgeschlagen: { $reason }. Dieser Computer vertraut dem Zertifikat des Servers nicht.
sign-in-no-live-connection = { $reason } Gib sie unten ein.
sign-in-not-placet = Diese Adresse antwortet, aber nicht wie ein Placet-Server. Verwende die Adresse deines Placet-Servers (die du im Browser öffnest).
sign-in-wrong-key = Der API-Schlüssel wurde abgelehnt. Prüfe, ob du ihn vollständig kopiert hast.
sign-in-wrong-password = E-Mail oder Passwort ist falsch.
sign-in-keychain-unavailable = Der Schlüsselbund des Systems ist nicht verfügbar: { $reason }.
sign-in-insecure-refused = Nicht gesendet: Diese Adresse ist einfaches http zu einem anderen Computer, dein Passwort und deine Sitzung gingen also unverschlüsselt über das Netz. Verwende die https-Adresse des Servers oder, wenn du jedem Netzwerk dazwischen vertraust, setze das Häkchen bei „Unverschlüsseltes http für diesen Server erlauben“.
sign-in-redirected = Der Server leitet diese Adresse auf { $url } um. Placet Tray folgt mit deinem Passwort keiner Umleitung: Verwende stattdessen diese Adresse.
sign-in-redirect = Der Server hat mit einer Umleitung geantwortet: { $reason }
sign-in-failed = Die Anmeldung ist fehlgeschlagen.

## Ein neues Passwort, das der Server verlangt

settings-password-title = Wähle ein neues Passwort
settings-password-lead = Dein Placet-Server bittet dich, vor allem anderen ein neues Passwort zu wählen.
settings-current-password = Aktuelles Passwort
settings-new-password = Neues Passwort (mindestens 8 Zeichen)
settings-new-password-again = Neues Passwort wiederholen
settings-password-submit = Passwort ändern
settings-password-enter-current = Gib dein aktuelles Passwort ein.
settings-password-too-short = Das neue Passwort braucht mindestens 8 Zeichen.
settings-password-differ = Die beiden neuen Passwörter stimmen nicht überein.
settings-password-changing = Wird geändert…
settings-password-changed = Passwort geändert.
settings-password-wrong = Das aktuelle Passwort stimmt nicht.

## Das Konto (angemeldet)

settings-account = Konto
settings-accounts = Konten
settings-server = Server
settings-live-connection = Live-Verbindung
settings-connection = Verbindung
settings-insecure-title = Nicht verschlüsselt.
settings-insecure-text = Dieser Server wird über einfaches http erreicht: Dein Passwort, deine Sitzung und deine Antworten gehen unverschlüsselt über das Netz. Frag nach einer https-Adresse und melde dich dann damit erneut an.
settings-watch-only-note = Nur lesen: Du hast dich mit einem API-Schlüssel angemeldet. Du siehst Prüfungen und wirst benachrichtigt, aber zum Antworten musst du dich mit deinem Konto anmelden.
settings-run-only-note = Nur für diese Sitzung angemeldet: Der Schlüsselbund war nicht verfügbar, daher musst du dich erneut anmelden, wenn Placet Tray neu startet.
settings-open-inbox = Posteingang öffnen
settings-sign-out = Abmelden
settings-add-account = Weiteres Konto hinzufügen…
settings-sign-out-of = Von { $account } abmelden

## Abmelden, während Antworten noch nicht gesendet sind

settings-queued-title =
    { $count ->
        [one] Eine Antwort wartet darauf, gesendet zu werden
       *[other] Antworten warten darauf, gesendet zu werden
    }
settings-queued-text =
    { $count ->
        [0] Einige Antworten von dir haben den Server noch nicht erreicht.
        [one] Eine Antwort von dir hat den Server noch nicht erreicht.
       *[other] { $count } Antworten von dir haben den Server noch nicht erreicht.
    } Placet Tray kann sie vor dem Abmelden zustellen oder sie verwerfen (dann erhalten die Agenten sie nie).
settings-undelivered-title =
    { $count ->
        [one] Die Antwort konnte nicht zugestellt werden
       *[other] Die Antworten konnten nicht zugestellt werden
    }
settings-undelivered-text =
    { $count ->
        [0] Einige Antworten von dir konnten gerade nicht zugestellt werden
        [one] Eine Antwort von dir konnte gerade nicht zugestellt werden
       *[other] { $count } Antworten von dir konnten gerade nicht zugestellt werden
    }: Der Server ist nicht erreichbar. Verwirf sie und melde dich ab (die Agenten erhalten sie nie), oder brich ab und melde dich später ab, wenn der Server wieder da ist.
settings-sign-out-cancel = Abbrechen
settings-sign-out-discard = Verwerfen und abmelden
settings-sign-out-deliver = Zustellen, dann abmelden
settings-sign-out-delivering = Wird zugestellt… das kann ein paar Sekunden dauern.
settings-signing-out = Abmeldung läuft…
settings-not-signed-out = Nicht abgemeldet: { $reason }

## Benachrichtigungen

settings-notifications-title = Benachrichtigungen
settings-pause = Pausieren
settings-pause-hour = Für 1 Stunde
settings-pause-tomorrow = Bis morgen
settings-pause-resume = Fortsetzen
settings-notifications-on = Benachrichtigungen sind an.
settings-paused-until = Benachrichtigungen sind pausiert bis { $until }.
settings-weekday-time = { $weekday }, { $time }
settings-quiet-hours = Ruhezeiten
settings-quiet-hours-desc = Keine Pop-ups zu diesen Zeiten, jeden Tag; Prüfungen warten weiter im Tray.
settings-quiet-from = Von
settings-quiet-to = bis
settings-notify-about = Benachrichtige mich über
settings-notify-reviews = Nur Prüfanfragen
settings-notify-all = Jede Nachricht meiner Agenten
settings-sound = Einen Ton abspielen, wenn eine Prüfung meine Entscheidung braucht
settings-message-sound = Einen Ton für Nachrichten meiner Agenten abspielen
settings-notify-agent-errors = Benachrichtige mich, wenn ein Agent einen Fehler meldet
settings-mute-agents = Agenten stummschalten
settings-mute-agents-desc = Prüfungen stummgeschalteter Agenten erscheinen nicht als Pop-up; sie zählen weiter im Tray und im Posteingang.
settings-no-agents = Noch keine Agenten.
settings-sign-in-for-agents = Melde dich an, um deine Agenten zu sehen.
settings-agent-with-subs =
    { $count ->
        [one] { $agent } und sein Sub-Agent
       *[other] { $agent } und seine { $count } Sub-Agenten
    }
settings-sub-agent-of = { " " }(ein Sub-Agent von { $parent })
settings-agent-account = { " " }(auf { $account })
settings-agent-status = { " " }– { $status }
settings-agent-status-message = { " " }– { $status }: { $message }
settings-autostart = Placet Tray bei meiner Anmeldung starten
settings-warm = Prüfungsfenster bereithalten:
settings-warm-none = gar nicht
settings-warm-minutes =
    { $count ->
        [one] { $count } Minute
       *[other] { $count } Minuten
    }
settings-warm-seconds =
    { $count ->
        [one] { $count } Sekunde
       *[other] { $count } Sekunden
    }
settings-warm-desc = Nach einer Benachrichtigung zu einer Prüfung oder einem geschlossenen Fenster, damit ein Klick das Fenster sofort zeigt. Bereitgehaltene Fenster belegen etwa 200 MB Arbeitsspeicher; ohne Bereithalten braucht jedes Fenster einen Moment länger zum Öffnen.

## „Bitte nicht stören“ und Erinnerungen

settings-attention-title = „Bitte nicht stören“ und Erinnerungen
settings-follow-dnd = „Bitte nicht stören“ meines Desktops folgen
settings-follow-dnd-desc = Keine Pop-ups, solange es an ist; Prüfungen zählen weiter im Tray, warten im Posteingang und erscheinen, wenn es endet.
settings-dnd-on = „Bitte nicht stören“ deines Desktops ist an.
settings-dnd-on-by = „Bitte nicht stören“ deines Desktops ist an ({ $by }).
settings-dnd-off = „Bitte nicht stören“ deines Desktops ist aus (oder dein Desktop sagt es nicht).
settings-breakthrough-start = Eine Prüfung, die innerhalb von
settings-breakthrough-end = Minuten abläuft, ist dringend und erscheint trotzdem, einmal (0: nie)
settings-agent-urgency-start = Prüfungen, die meine Agenten als dringend markieren, sind dringend (ein Agent, der einen Fehler meldet, oder eine Prüfung mit
settings-agent-urgency-end = )
settings-renudge-start = An eine unbeantwortete Prüfung erinnern alle
settings-renudge-middle = Minuten, höchstens
settings-renudge-end = Mal (0: nie; nie in den Ruhezeiten)
settings-snooze-buttons = „In 15 Min. erinnern“ und „In 1 Std. erinnern“ in Benachrichtigungen zu Prüfungen
settings-overdue-start = Die Zahl am Tray-Symbol wird dunkelrot, sobald eine Prüfung
settings-overdue-end = Minuten gewartet hat (0: nie)
settings-shortcut-title = Tastenkürzel
settings-shortcut-desc = Öffnet den Posteingang bei der ältesten wartenden Prüfung, von überall. Klicke in das Feld und drücke die Tasten.
settings-shortcut-field =
    .aria-label = Tastenkürzel
settings-shortcut-none = Keins
settings-shortcut-bound = Belegt: { $keys }.
settings-no-shortcut = Kein Tastenkürzel.
settings-shortcut-hint = Halte Ctrl, Alt, Shift oder Super gedrückt und drücke einen Buchstaben, eine Ziffer oder eine Funktionstaste.
settings-history-start = Entschiedene Prüfungen im Verlauf des Posteingangs behalten für
settings-history-end = Tage

## Antworten

settings-answering-title = Antworten
settings-answering-lead = Eine Antwort, die über die Kommandozeile vorgeschlagen wird, wird dir immer zuerst in einem Fenster gezeigt, und erst dein „Bestätigen“ dort sendet sie.
settings-answer-only-in-windows = Nur in den eigenen Fenstern von Placet Tray antworten
settings-answer-only-in-windows-desc = Benachrichtigungen zeigen keine Antwortknöpfe oder Antwortfelder (ein Klick öffnet die Prüfung), und Vorschläge über die Kommandozeile werden abgelehnt. Schalte das ein, wenn deine Agenten auf diesem Computer unter deinem Benutzer laufen: Programme können Knöpfe in Benachrichtigungen drücken.

## Speichern

settings-saving = Wird gespeichert…
settings-saved = Gespeichert.
settings-not-saved = Nicht gespeichert: { $reason }
settings-cannot-read = Die Einstellungen können nicht gelesen werden: { $reason }
