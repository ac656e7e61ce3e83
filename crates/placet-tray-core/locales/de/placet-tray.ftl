# Placet Tray auf Deutsch: Benachrichtigungen, Tray-Menü und Tooltip, Verbindungsstatus,
# Zustellergebnisse. Die Ids und Variablen sind die der englischen Quelle.

## Die App, wie der Desktop sie zeigt

app-name = Placet Tray
app-generic-name = Benachrichtigungen für Agenten-Prüfungen
app-comment = Die Prüfanfragen deiner KI-Agenten vom Desktop aus beantworten
app-keywords = KI;Agent;Prüfung;Freigabe;Placet;Benachrichtigung;Tray;AI;review;
app-action-inbox = Posteingang
app-action-settings = Einstellungen

## Die Benachrichtigung einer Prüfung

review-title = { $agent } braucht deine Entscheidung
review-no-text = Ein Agent wartet auf deine Entscheidung.
review-revised = Nach deinem Feedback überarbeitet (Version { $n }). { $text }
review-open-in-placet = In Placet öffnen
review-click-to-open = Zum Öffnen klicken.
review-click-to-answer = Klicken, um die Prüfung zu öffnen und zu antworten.
review-your-answer = Deine Antwort
review-comment-placeholder = Ein Kommentar, dann eine Option wählen
review-add-comment = Kommentar hinzufügen
review-open = Öffnen
review-with-comment =
    Dein Kommentar: „{ $comment }“
    Wähle eine Option, um ihn zu senden.
review-watch-only = Nur lesen: Melde dich in den Einstellungen von Placet Tray mit deinem Placet-Konto an, um zu antworten.
review-danger-option = { $label }…

reply-refused-title = Deine Antwort wurde nicht gesendet
reply-refused-body = { $reason }. Die Prüfung ist geöffnet, um dort zu antworten.

## Die Zusammenfassung vieler Prüfungen und Nachrichten

summary-reviews =
    { $count ->
        [one] { $count } Prüfung braucht dich
       *[other] { $count } Prüfungen brauchen dich
    }
summary-messages =
    { $count ->
        [one] { $count } neue Nachricht deiner Agenten
       *[other] { $count } neue Nachrichten deiner Agenten
    }
summary-both =
    { $reviews ->
        [one] { $reviews } Prüfung braucht dich
       *[other] { $reviews } Prüfungen brauchen dich
    }, { $messages ->
        [one] { $messages } neue Nachricht
       *[other] { $messages } neue Nachrichten
    }

## Weitere Benachrichtigungen

proposal-title = Ein Programm schlägt eine Antwort vor
proposal-body =
    An { $agent }: { $review }
    Öffne sie, um die ganze Antwort zu sehen und sie zu bestätigen oder abzubrechen.
proposal-open = Antwort prüfen
reply-proposal-open = Nachricht prüfen
reply-summary = Nachricht an { $agent }
message-reply-placeholder = { $agent } antworten
message-reply-send = Senden
message-reply-button = Antworten…
reply-failed-title = Deine Nachricht an { $agent } wurde nicht gesendet
reply-failed-body = { $reason }
reply-proposal-title = Ein Programm schlägt eine Nachricht vor
reply-proposal-body =
    An { $agent }: { $text }
    Öffne sie, um die ganze Nachricht zu sehen und sie zu bestätigen oder abzubrechen.
auth-expired-title = Erneut bei Placet anmelden
auth-expired-body = { $server } akzeptiert deine Anmeldung nicht mehr. Klicke, um dich erneut anzumelden; deine Antworten bleiben erhalten.
answer-failed-title = Deine Antwort wurde nicht gesendet
answer-failed-body = { $agent }: { $reason }
answered-elsewhere-title = Bereits anderswo beantwortet
answered-elsewhere-body = Die Prüfung von { $agent } wurde in einem anderen Client beantwortet, bevor deine Antwort ankam; deine wurde nicht verwendet.
answered-too-late-title = Deine Antwort kam zu spät
answered-too-late-body = Die Prüfung von { $agent } ist abgelaufen, bevor deine Antwort den Server erreichte.
answer-withdrawn-body = { $agent } hat die Prüfung zurückgezogen, bevor deine Antwort ankam.
answer-unreadable-title = Eine wartende Antwort ist nicht lesbar
answer-unreadable-body = Eine früher eingereihte Antwort wurde mit einem Schlüssel versiegelt, den diese Anmeldung nicht hat; sie bleibt erhalten und wird nie gesendet. Beantworte die Prüfung erneut.
agent-error-title = { $agent } meldet einen Fehler
agent-error-no-details = Es wurden keine Einzelheiten genannt.
oauth-title = { $agent } bittet dich, dich bei { $provider } anzumelden
oauth-enter-code = Gib den Code { $code } auf { $host } ein.
oauth-open-link = Öffne sie, um dich auf { $host } anzumelden.
oauth-unsafe-link = Ihr Anmeldelink ist nicht sicher zu öffnen: Sieh ihn dir im Fenster an.
shortcut-refused-title = Das Tastenkürzel { $keys } ist nicht verfügbar
shortcut-refused-body = { $reason } Wähle andere Tasten in den Einstellungen von Placet Tray.

## Aufmerksamkeit: warum eine Benachrichtigung wiederkommt, Erinnerungen, Wartezeiten

snooze-quarter-hour = In 15 Min. erinnern
snooze-hour = In 1 Std. erinnern
wait-under-a-minute = weniger als eine Minute
wait-minutes = { $minutes } Min.
wait-hours = { $hours } Std.
wait-hours-minutes = { $hours } Std. { $minutes } Min.
wait-days =
    { $days ->
        [one] { $days } Tag
       *[other] { $days } Tage
    }
left-now = jetzt
left-in = noch { $wait }
waiting-none = nichts offen
waiting-one-for = 1 wartet schon { $wait }
waiting-oldest = { $count } warten, die älteste schon { $wait }
waiting-count = { $count } warten
waited-one-for = { " " }schon { $wait }
waited-oldest = , die älteste schon { $wait }
raised-expires-despite-dnd = Läuft bald ab ({ $left }) – trotz „Bitte nicht stören“ angezeigt.
raised-about-to-expire-despite-dnd = Läuft gleich ab – trotz „Bitte nicht stören“ angezeigt.
raised-expires = Läuft bald ab ({ $left }).
raised-still-waiting = Wartet noch auf dich ({ $wait }).
raised-snooze-over = Du wolltest erinnert werden.
raised-marked-urgent = Vom Agenten als dringend markiert.
raised-reminder-title = Erinnerung: { $title }

## Das Tray: Menü, Tooltip, Statuszeile

menu-review-of-kind = Prüfung ({ $kind })
retry-now = neuer Versuch jetzt
retry-in = neuer Versuch in { $seconds } s
state-signed-out = Abgemeldet
state-connecting = Verbinde…
state-connected = Verbunden
state-reconnecting = Verbinde erneut (Versuch { $attempt }, { $retry }): { $reason }
state-offline = Offline: { $reason } ({ $retry })
state-auth-expired = Vom Server abgemeldet: bitte erneut anmelden
status-not-encrypted = { " " }– nicht verschlüsselt
status-connected =
    { $count ->
        [0] Verbunden mit { $host } – nichts offen
        [one] Verbunden mit { $host } – { $count } Prüfung wartet
       *[other] Verbunden mit { $host } – { $count } Prüfungen warten
    }
status-connecting = Verbinde mit { $host }…
status-reconnecting = Verbinde erneut mit { $host } (Versuch { $attempt })…
status-offline = Offline: { $reason }
status-auth-expired = Anmeldung abgelaufen – bitte erneut anmelden
tooltip = Placet Tray – { $what }
agent-active = aktiv
agent-busy = beschäftigt
agent-error = Fehler
agent-offline = offline
agent-unknown = unbekannter Status
agent-since = { $status } seit { $time }
paused-until = Benachrichtigungen pausiert bis { $until }
menu-sign-out = Abmelden ({ $who })
menu-sign-in = Anmelden…
menu-sign-out-of = Abmelden von
menu-more = …und { $count } weitere
menu-inbox = Posteingang öffnen
menu-agents = Agenten
menu-pause = Benachrichtigungen pausieren
menu-pause-hour = Für 1 Stunde
menu-pause-tomorrow = Bis morgen
menu-resume = Fortsetzen
menu-autostart = Bei Anmeldung starten
menu-settings = Einstellungen…
menu-quit = Placet Tray beenden

## Fenstertitel

window-review = Placet-Prüfung
window-review-of = { $agent } – Placet-Prüfung
window-conversation = Unterhaltung – Placet Tray
window-confirm = Einen Vorschlag bestätigen – Placet Tray
window-oauth = Für einen Agenten anmelden – Placet Tray
window-inbox = Placet-Posteingang
window-settings = Placet-Tray-Einstellungen

## Das globale Tastenkürzel

shortcut-open-settings = Einstellungen öffnen
shortcut-unavailable = Dieser Desktop kann Placet Tray kein Tastenkürzel geben: { $reason }.
shortcut-taken = { $keys } ist nicht verfügbar: { $reason }
shortcut-description = Den Placet-Posteingang bei der ältesten wartenden Prüfung öffnen

## Zeiten

weekday-time =
    { $weekday ->
        [1] Mo.
        [2] Di.
        [3] Mi.
        [4] Do.
        [5] Fr.
        [6] Sa.
       *[7] So.
    } { $time }
