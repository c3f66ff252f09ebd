<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>Als CSV e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n Zeile exportiert nach %1</numerusform>
            <numerusform>%n Zeilen exportiert nach %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Operator console for notifyd</source>
        <translation>Betriebskonsole für notifyd</translation>
    </message>
    <message>
        <source>Connect at start to the admin channel at &lt;url&gt;, e.g. ws://127.0.0.1:8081/admin.</source>
        <translation>Beim Start mit dem Admin-Kanal unter &lt;url&gt; verbinden, z. B. ws://127.0.0.1:8081/admin.</translation>
    </message>
    <message>
        <source>The server&apos;s admin key (default: the environment variable NOTIFY_ADMIN_KEY).</source>
        <translation>Der Admin-Schlüssel des Servers (Standard: die Umgebungsvariable NOTIFY_ADMIN_KEY).</translation>
    </message>
    <message>
        <source>Local storage</source>
        <translation>Lokaler Speicher</translation>
    </message>
    <message>
        <source>Profiles, templates and history cannot be saved: %1</source>
        <translation>Profile, Vorlagen und Verlauf können nicht gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>notify::console::AdminClient</name>
    <message>
        <source>connection attempt timed out</source>
        <translation>Zeitüberschreitung beim Verbindungsversuch</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbinde</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>verbinde erneut</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>die Verbindung wurde geschlossen</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>Verbinde mit %1</translation>
    </message>
    <message>
        <source>admin key rejected by the server</source>
        <translation>Admin-Schlüssel vom Server abgelehnt</translation>
    </message>
    <message>
        <source>Admin key rejected (close code %1); not retrying</source>
        <translation>Admin-Schlüssel abgelehnt (Close-Code %1); kein weiterer Versuch</translation>
    </message>
    <message>
        <source>connection closed (code %1)</source>
        <translation>Verbindung geschlossen (Code %1)</translation>
    </message>
    <message>
        <source>connection closed: %1 (code %2)</source>
        <translation>Verbindung geschlossen: %1 (Code %2)</translation>
    </message>
    <message>
        <source>could not connect</source>
        <translation>Verbindung nicht möglich</translation>
    </message>
    <message>
        <source>Disconnected: %1</source>
        <translation>Getrennt: %1</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation>Neuer Verbindungsversuch in %1 s</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>no reply from the server</source>
        <translation>keine Antwort vom Server</translation>
    </message>
    <message>
        <source>Ignored a frame that is not a JSON object: %1</source>
        <translation>Nachricht ignoriert, die kein JSON-Objekt ist: %1</translation>
    </message>
    <message>
        <source>Server error: %1 (%2)</source>
        <translation>Serverfehler: %1 (%2)</translation>
    </message>
    <message>
        <source>Server node %1, version %2</source>
        <translation>Serverknoten %1, Version %2</translation>
    </message>
    <message>
        <source>Ignored a malformed connection: %1</source>
        <translation>Fehlerhafte Verbindung ignoriert: %1</translation>
    </message>
    <message>
        <source>Ignored a connection:closed without connectionId</source>
        <translation>connection:closed ohne connectionId ignoriert</translation>
    </message>
    <message>
        <source>Ignored an unknown message type: %1</source>
        <translation>Unbekannter Nachrichtentyp ignoriert: %1</translation>
    </message>
    <message>
        <source>Snapshot request failed: %1</source>
        <translation>Anfrage nach einer Momentaufnahme fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 is not an admin channel (close code %2): the admin channel is /admin on the server&apos;s API port (--api-listen), not on the client port</source>
        <translation>%1 ist kein Admin-Kanal (Close-Code %2): Der Admin-Kanal ist /admin auf dem API-Port des Servers (--api-listen), nicht auf dem Client-Port</translation>
    </message>
    <message>
        <source>Wrong endpoint: %1; not retrying</source>
        <translation>Falscher Endpunkt: %1; kein weiterer Versuch</translation>
    </message>
    <message>
        <source>Connected; admin key accepted</source>
        <translation>Verbunden; Admin-Schlüssel akzeptiert</translation>
    </message>
    <message>
        <source>%1 does not answer after %2 attempts (%3); trying once a minute from now on: Refresh snapshot tries at once</source>
        <translation>%1 antwortet nach %2 Versuchen nicht (%3); ab jetzt einmal pro Minute: „Momentaufnahme aktualisieren“ versucht es sofort</translation>
    </message>
</context>
<context>
    <name>notify::console::AuditView</name>
    <message>
        <source>Older entries</source>
        <translation>Ältere Einträge</translation>
    </message>
    <message>
        <source>operator, e.g. admin-key</source>
        <translation>Operator, z. B. admin-key</translation>
    </message>
    <message>
        <source>action, e.g. kick</source>
        <translation>Aktion, z. B. kick</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Audit-Protokoll exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>Operator:</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Aktion:</translation>
    </message>
    <message>
        <source>Could not read the audit log: %1</source>
        <translation>Das Audit-Protokoll konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message numerus="yes">
        <source>%n entries shown; older ones on demand.</source>
        <translation>
            <numerusform>%n Eintrag angezeigt; ältere auf Wunsch.</numerusform>
            <numerusform>%n Einträge angezeigt; ältere auf Wunsch.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n entries.</source>
        <translation>
            <numerusform>%n Eintrag.</numerusform>
            <numerusform>%n Einträge.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>notify::console::ConnectDialog</name>
    <message>
        <source>Connect to a notifyd server</source>
        <translation>Mit einem notifyd-Server verbinden</translation>
    </message>
    <message>
        <source>e.g. staging</source>
        <translation>z. B. staging</translation>
    </message>
    <message>
        <source>the server&apos;s --admin-key</source>
        <translation>der --admin-key des Servers</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Profil speichern</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Profil löschen</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Admin &amp;URL:</source>
        <translation>Admin-&amp;URL:</translation>
    </message>
    <message>
        <source>Admin &amp;key:</source>
        <translation>Admin-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Give the profile a name first.</source>
        <translation>Geben Sie dem Profil zuerst einen Namen.</translation>
    </message>
    <message>
        <source>The admin URL is not valid.</source>
        <translation>Die Admin-URL ist ungültig.</translation>
    </message>
    <message>
        <source>Could not save the profile: %1</source>
        <translation>Das Profil konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>(new profile)</source>
        <translation>(neues Profil)</translation>
    </message>
    <message>
        <source>Use ws://host:port/admin or wss://…</source>
        <translation>Verwenden Sie ws://host:port/admin oder wss://…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Could not read the admin key from the keyring: %1</source>
        <translation>Der Admin-Schlüssel konnte nicht aus dem Schlüsselbund gelesen werden: %1</translation>
    </message>
</context>
<context>
    <name>notify::console::ConnectionsModel</name>
    <message>
        <source>Connection #%1
Role: %2
User agent: %3
Origin: %4
Rooms: %5</source>
        <translation>Verbindung #%1
Rolle: %2
User-Agent: %3
Herkunft: %4
Räume: %5</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>RTT</source>
        <translation>RTT</translation>
    </message>
    <message>
        <source>Frames in</source>
        <translation>Frames ein</translation>
    </message>
    <message>
        <source>Frames out</source>
        <translation>Frames aus</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>In/s</source>
        <translation>Ein/s</translation>
    </message>
    <message>
        <source>Out/s</source>
        <translation>Aus/s</translation>
    </message>
    <message>
        <source>RTT (ms)</source>
        <translation>RTT (ms)</translation>
    </message>
    <message>
        <source>
Token: %1, key %2, issuer %3</source>
        <translation>
Token: %1, Schlüssel %2, Aussteller %3</translation>
    </message>
    <message>
        <source>(no kid)</source>
        <translation>(ohne kid)</translation>
    </message>
    <message>
        <source>
Expires: %1</source>
        <translation>
Läuft ab: %1</translation>
    </message>
</context>
<context>
    <name>notify::console::ConnectionsView</name>
    <message>
        <source>Filter: words matching id, user, organization, role, protocol, address, user agent or room</source>
        <translation>Filter: Wörter in ID, Benutzer, Organisation, Rolle, Protokoll, Adresse, User-Agent oder Raum</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>&amp;Benutzer anzeigen…</translation>
    </message>
    <message numerus="yes">
        <source>No connection matches “%1” (of %n connection(s)).</source>
        <translation>
            <numerusform>Keine Verbindung passt zu „%1“ (von %n Verbindung).</numerusform>
            <numerusform>Keine Verbindung passt zu „%1“ (von %n Verbindungen).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>notify::console::CountersModel</name>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Gelesen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Auth failures</source>
        <translation>Authentifizierungsfehler</translation>
    </message>
    <message>
        <source>Heartbeat timeouts</source>
        <translation>Heartbeat-Zeitüberschreitungen</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Ratenbegrenzt</translation>
    </message>
    <message>
        <source>Counter</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>Pro Sekunde</translation>
    </message>
</context>
<context>
    <name>notify::console::DeliveriesView</name>
    <message>
        <source>Trace deliveries</source>
        <translation>Zustellungen verfolgen</translation>
    </message>
    <message>
        <source>Clear trace</source>
        <translation>Verfolgung leeren</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>Zähler</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>Pro Sekunde</translation>
    </message>
    <message>
        <source>Delivery trace</source>
        <translation>Zustellungsverfolgung</translation>
    </message>
    <message>
        <source>Record every delivery from the connection on (in a cluster, every node&apos;s), the last %1 kept (costs some CPU on a busy node)</source>
        <translation>Jede Zustellung ab dem Verbinden aufzeichnen (im Cluster die jedes Knotens), die letzten %1 bleiben (kostet auf einem ausgelasteten Knoten etwas CPU)</translation>
    </message>
    <message numerus="yes">
        <source>%n trace record(s) dropped</source>
        <translation>
            <numerusform>%n Trace-Eintrag verworfen</numerusform>
            <numerusform>%n Trace-Einträge verworfen</numerusform>
        </translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>&amp;Benutzer anzeigen…</translation>
    </message>
</context>
<context>
    <name>notify::console::HistoryModel</name>
    <message>
        <source>Notification ids: %1</source>
        <translation>Benachrichtigungs-IDs: %1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n Verbindung</numerusform>
            <numerusform>%n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet am</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Empfänger</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Delivered to</source>
        <translation>Zugestellt an</translation>
    </message>
    <message numerus="yes">
        <source>live only: %n connection(s)</source>
        <translation>
            <numerusform>nur live: %n Verbindung</numerusform>
            <numerusform>nur live: %n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Notification ids</source>
        <translation>Benachrichtigungs-IDs</translation>
    </message>
</context>
<context>
    <name>notify::console::KeyVault</name>
    <message>
        <source>this build has no keyring support (QtKeychain)</source>
        <translation>dieser Build unterstützt keinen Schlüsselbund (QtKeychain)</translation>
    </message>
    <message>
        <source>NOTIFY_CONSOLE_NO_KEYRING is set</source>
        <translation>NOTIFY_CONSOLE_NO_KEYRING ist gesetzt</translation>
    </message>
    <message>
        <source>no desktop session (platform %1)</source>
        <translation>keine Desktop-Sitzung (Plattform %1)</translation>
    </message>
    <message>
        <source>no D-Bus session bus, so no Secret Service</source>
        <translation>kein D-Bus-Sitzungsbus, also kein Secret Service</translation>
    </message>
    <message>
        <source>Admin keys are kept in the desktop keyring.</source>
        <translation>Admin-Schlüssel werden im Schlüsselbund des Desktops aufbewahrt.</translation>
    </message>
    <message>
        <source>No desktop keyring (%1): admin keys are kept in console.db in plain text.</source>
        <translation>Kein Schlüsselbund (%1): Admin-Schlüssel werden im Klartext in console.db aufbewahrt.</translation>
    </message>
    <message>
        <source>The admin key of profile “%1” stays in console.db: %2</source>
        <translation>Der Admin-Schlüssel des Profils „%1“ bleibt in console.db: %2</translation>
    </message>
    <message>
        <source>Moved the admin key of profile “%1” into the keyring</source>
        <translation>Admin-Schlüssel des Profils „%1“ in den Schlüsselbund verschoben</translation>
    </message>
</context>
<context>
    <name>notify::console::KeysView</name>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Create key…</source>
        <translation>Schlüssel erstellen…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen…</translation>
    </message>
    <message>
        <source>Could not read the keys: %1</source>
        <translation>Die Schlüssel konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>widerrufen</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation>Bereiche</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Zustellungen</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Create an API key</source>
        <translation>API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>Organisations-Id, z. B. acme</translation>
    </message>
    <message>
        <source>e.g. acme-backend</source>
        <translation>z. B. acme-backend</translation>
    </message>
    <message>
        <source>server default; e.g. 50/s or 50/s,100 or off</source>
        <translation>Server-Standard; z. B. 50/s oder 50/s,100 oder off</translation>
    </message>
    <message>
        <source>server default; e.g. 1000/s</source>
        <translation>Server-Standard; z. B. 1000/s</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Scopes:</source>
        <translation>Bereiche:</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Anfragen:</translation>
    </message>
    <message>
        <source>Deliveries:</source>
        <translation>Zustellungen:</translation>
    </message>
    <message>
        <source>Not created: %1</source>
        <translation>Nicht erstellt: %1</translation>
    </message>
    <message>
        <source>API key %1</source>
        <translation>API-Schlüssel %1</translation>
    </message>
    <message>
        <source>The key of %1 for organization %2. It is shown only now: copy it to the back end&apos;s configuration.</source>
        <translation>Der Schlüssel %1 der Organisation %2. Er wird nur jetzt angezeigt: kopieren Sie ihn in die Konfiguration des Backends.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Created the key %1.</source>
        <translation>Schlüssel %1 erstellt.</translation>
    </message>
    <message>
        <source>Select a key first.</source>
        <translation>Zuerst einen Schlüssel auswählen.</translation>
    </message>
    <message>
        <source>Revoke the API key %1 of organization %2? Its back end is refused (401) within a second on every node.</source>
        <translation>API-Schlüssel %1 der Organisation %2 widerrufen? Sein Backend wird binnen einer Sekunde auf jedem Knoten abgewiesen (401).</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Revoked the key %1.</source>
        <translation>Schlüssel %1 widerrufen.</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>Nicht widerrufen: %1</translation>
    </message>
</context>
<context>
    <name>notify::console::MainWindow</name>
    <message>
        <source>&amp;Connections</source>
        <translation>&amp;Verbindungen</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>&amp;Räume</translation>
    </message>
    <message>
        <source>&amp;Deliveries</source>
        <translation>&amp;Zustellungen</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>&amp;Benachrichtigungen</translation>
    </message>
    <message>
        <source>&amp;Send test</source>
        <translation>&amp;Test senden</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Verbinden…</translation>
    </message>
    <message>
        <source>Connect to a notifyd server&apos;s admin channel</source>
        <translation>Mit dem Admin-Kanal eines notifyd-Servers verbinden</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>&amp;Refresh snapshot</source>
        <translation>&amp;Momentaufnahme aktualisieren</translation>
    </message>
    <message>
        <source>Send &amp;test…</source>
        <translation>&amp;Test senden…</translation>
    </message>
    <message>
        <source>&amp;Trace deliveries</source>
        <translation>&amp;Zustellungen verfolgen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Über</translation>
    </message>
    <message>
        <source>About Notify Console</source>
        <translation>Über die Notify-Konsole</translation>
    </message>
    <message>
        <source>&lt;b&gt;Notify Console&lt;/b&gt; %1&lt;br&gt;The operator console of notifyd: live connections, rooms, delivery counters and test notifications.</source>
        <translation>&lt;b&gt;Notify-Konsole&lt;/b&gt; %1&lt;br&gt;Die Betriebskonsole von notifyd: Live-Verbindungen, Räume, Zustellungszähler und Testbenachrichtigungen.</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>&amp;Actions</source>
        <translation>&amp;Aktionen</translation>
    </message>
    <message>
        <source>S&amp;ettings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message numerus="yes">
        <source>Snapshot: %n connection(s)</source>
        <translation>
            <numerusform>Momentaufnahme: %n Verbindung</numerusform>
            <numerusform>Momentaufnahme: %n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Kick failed: %1</source>
        <translation>Trennen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Delivery trace on</source>
        <translation>Zustellungsverfolgung an</translation>
    </message>
    <message>
        <source>Delivery trace off</source>
        <translation>Zustellungsverfolgung aus</translation>
    </message>
    <message>
        <source>Trace request failed: %1</source>
        <translation>Verfolgungsanfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connected to %1 (node %2)</source>
        <translation>Verbunden mit %1 (Knoten %2)</translation>
    </message>
    <message>
        <source>operator %1 (%2)</source>
        <translation>Operator %1 (%2)</translation>
    </message>
    <message>
        <source>The User view needs the support role; you are %1</source>
        <translation>Die Benutzeransicht erfordert die Rolle support; Ihre Rolle ist %1</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n Verbindung</numerusform>
            <numerusform>%n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Ask the node for a fresh snapshot</source>
        <translation>Den Knoten um eine frische Momentaufnahme bitten</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>Ben&amp;utzer</translation>
    </message>
    <message>
        <source>Connection opened: %1</source>
        <translation>Verbindung geöffnet: %1</translation>
    </message>
    <message>
        <source>Connection closed: %1 (code %2%3)</source>
        <translation>Verbindung geschlossen: %1 (Code %2%3)</translation>
    </message>
    <message>
        <source>&amp;Kick connection…</source>
        <translation>Verbindung &amp;trennen…</translation>
    </message>
    <message>
        <source>Close the client connection selected in the tab on screen</source>
        <translation>Die im sichtbaren Tab ausgewählte Client-Verbindung schließen</translation>
    </message>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>#%1, %2 @ %3 (%4, %5)</source>
        <translation>#%1, %2 @ %3 (%4, %5)</translation>
    </message>
    <message>
        <source>Kick connection</source>
        <translation>Verbindung trennen</translation>
    </message>
    <message>
        <source>Close connection %1?</source>
        <translation>Verbindung %1 schließen?</translation>
    </message>
    <message>
        <source>Only this connection is closed; the user&apos;s other tabs and devices stay connected. The client may reconnect.</source>
        <translation>Nur diese Verbindung wird geschlossen; andere Tabs und Geräte des Benutzers bleiben verbunden. Der Client kann sich neu verbinden.</translation>
    </message>
    <message>
        <source>&amp;Kick</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Don&apos;t ask again in this session</source>
        <translation>In dieser Sitzung nicht mehr fragen</translation>
    </message>
    <message>
        <source>Kicking connection %1</source>
        <translation>Trenne Verbindung %1</translation>
    </message>
    <message>
        <source>Connection %1 kicked</source>
        <translation>Verbindung %1 getrennt</translation>
    </message>
    <message>
        <source>Kick of %1 failed: %2</source>
        <translation>Trennen von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>N&amp;odes</source>
        <translation>&amp;Knoten</translation>
    </message>
    <message numerus="yes">
        <source>Node %1 dropped %n trace record(s) it could not send</source>
        <translation>
            <numerusform>Knoten %1 hat %n Trace-Eintrag verworfen, den er nicht senden konnte</numerusform>
            <numerusform>Knoten %1 hat %n Trace-Einträge verworfen, die er nicht senden konnte</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting to %1 in %2 s — %3</source>
        <translation>Neuer Versuch mit %1 in %2 s — %3</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>&amp;Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Audit</source>
        <translation>&amp;Audit</translation>
    </message>
    <message>
        <source>&amp;Webhooks</source>
        <translation>&amp;Webhooks</translation>
    </message>
</context>
<context>
    <name>notify::console::NodesModel</name>
    <message>
        <source>Node %1
Id: %2</source>
        <translation>Knoten %1
ID: %2</translation>
    </message>
    <message>
        <source>%1 (this node)</source>
        <translation>%1 (dieser Knoten)</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>weg</translation>
    </message>
    <message>
        <source>up</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>up, %1</source>
        <translation>aktiv, %1</translation>
    </message>
    <message>
        <source>storage full</source>
        <translation>Speicher voll</translation>
    </message>
    <message>
        <source>storage read-only</source>
        <translation>Speicher schreibgeschützt</translation>
    </message>
    <message>
        <source>database damaged</source>
        <translation>Datenbank beschädigt</translation>
    </message>
    <message>
        <source>storage fault: %1</source>
        <translation>Speicherfehler: %1</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Created/s</source>
        <translation>Erstellt/s</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Letzter Heartbeat</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Client address</source>
        <translation>Client-Adresse</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>API-Adresse</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
</context>
<context>
    <name>notify::console::NodesView</name>
    <message>
        <source>Open &amp;user</source>
        <translation>Ben&amp;utzer öffnen</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Connections on the other nodes</source>
        <translation>Verbindungen auf den anderen Knoten</translation>
    </message>
    <message>
        <source>No node information yet.</source>
        <translation>Noch keine Angaben zu den Knoten.</translation>
    </message>
    <message>
        <source>This node is not part of a cluster (SQLite storage): it is the only node.</source>
        <translation>Dieser Knoten gehört zu keinem Cluster (SQLite-Speicher): Er ist der einzige Knoten.</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) on one PostgreSQL database; </source>
        <translation>
            <numerusform>%n Knoten auf einer PostgreSQL-Datenbank; </numerusform>
            <numerusform>%n Knoten auf einer PostgreSQL-Datenbank; </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s) on the other nodes</source>
        <translation>
            <numerusform>%n Verbindung auf den anderen Knoten</numerusform>
            <numerusform>%n Verbindungen auf den anderen Knoten</numerusform>
        </translation>
    </message>
    <message>
        <source> (some nodes did not answer)</source>
        <translation> (einige Knoten haben nicht geantwortet)</translation>
    </message>
    <message>
        <source>#%1 on node %2, %3 @ %4 (%5)</source>
        <translation>#%1 auf Knoten %2, %3 @ %4 (%5)</translation>
    </message>
</context>
<context>
    <name>notify::console::NotificationsModel</name>
    <message>
        <source>%1

%2

Action: %3
Id: %4</source>
        <translation>%1

%2

Aktion: %3
ID: %4</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>ungelesen</translation>
    </message>
    <message>
        <source>Seq</source>
        <translation>Seq</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Gelesen am</translation>
    </message>
    <message>
        <source>deleted %1</source>
        <translation>gelöscht %1</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Pushes by node: %1</source>
        <translation>Versand je Knoten: %1</translation>
    </message>
    <message>
        <source>receipt at %1</source>
        <translation>Empfangsbestätigung um %1</translation>
    </message>
    <message>
        <source>arrived: read at %1</source>
        <translation>angekommen: gelesen um %1</translation>
    </message>
    <message>
        <source>pushed to 1 connection at %1, no receipt</source>
        <translation>an 1 Verbindung gesendet um %1, keine Empfangsbestätigung</translation>
    </message>
    <message>
        <source>pushed to %1 connections at %2, no receipt</source>
        <translation>an %1 Verbindungen gesendet um %2, keine Empfangsbestätigung</translation>
    </message>
    <message>
        <source>not pushed: no connection was open (queued in the inbox)</source>
        <translation>nicht gesendet: keine Verbindung war offen (wartet im Posteingang)</translation>
    </message>
    <message>
        <source>no push recorded</source>
        <translation>kein Versand verzeichnet</translation>
    </message>
</context>
<context>
    <name>notify::console::NotificationsView</name>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Ältere</translation>
    </message>
    <message>
        <source>organization id</source>
        <translation>Organisations-ID</translation>
    </message>
    <message>
        <source>user id</source>
        <translation>Benutzer-ID</translation>
    </message>
    <message>
        <source>Load the next page of older notifications</source>
        <translation>Die nächste Seite älterer Benachrichtigungen laden</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Lade…</translation>
    </message>
    <message>
        <source>Could not load: %1</source>
        <translation>Laden nicht möglich: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) shown</source>
        <translation>
            <numerusform>%n Benachrichtigung angezeigt</numerusform>
            <numerusform>%n Benachrichtigungen angezeigt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n malformed skipped)</source>
        <translation>
            <numerusform>(%n fehlerhafte übersprungen)</numerusform>
            <numerusform>(%n fehlerhafte übersprungen)</numerusform>
        </translation>
    </message>
    <message>
        <source>— no older ones</source>
        <translation>— keine älteren</translation>
    </message>
    <message>
        <source>&amp;Unread only</source>
        <translation>Nur &amp;ungelesene</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>&amp;Benutzer anzeigen…</translation>
    </message>
    <message>
        <source>(as of %1)</source>
        <translation>(Stand %1)</translation>
    </message>
</context>
<context>
    <name>notify::console::RateChart</name>
    <message>
        <source>Notifications created, frames sent and receipts acknowledged per second</source>
        <translation>Erstellte Benachrichtigungen, gesendete Frames und bestätigte Empfänge pro Sekunde</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>created</source>
        <translation>erstellt</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>acked</source>
        <translation>bestätigt</translation>
    </message>
</context>
<context>
    <name>notify::console::RemoteConnectionsModel</name>
    <message>
        <source>Connection #%1 on node %2
User: %3 @ %4
User agent: %5
Rooms: %6</source>
        <translation>Verbindung #%1 auf Knoten %2
Benutzer: %3 @ %4
User-Agent: %5
Räume: %6</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
</context>
<context>
    <name>notify::console::RoomsModel</name>
    <message>
        <source>Room / connection</source>
        <translation>Raum / Verbindung</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>connection #%1</source>
        <translation>Verbindung #%1</translation>
    </message>
    <message>
        <source>%1 @ %2 (#%3, %4)</source>
        <translation>%1 @ %2 (#%3, %4)</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
</context>
<context>
    <name>notify::console::RoomsView</name>
    <message>
        <source>Filter rooms and members</source>
        <translation>Räume und Mitglieder filtern</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>&amp;Benutzer anzeigen…</translation>
    </message>
    <message>
        <source>#%1 on node %2, %3 @ %4</source>
        <translation>#%1 auf Knoten %2, %3 @ %4</translation>
    </message>
</context>
<context>
    <name>notify::console::SendTestSender</name>
    <message>
        <source>refused by the server: %1</source>
        <translation>vom Server abgelehnt: %1</translation>
    </message>
    <message>
        <source>the server could not store it: %1</source>
        <translation>der Server konnte sie nicht speichern: %1</translation>
    </message>
    <message>
        <source>not sent: %1</source>
        <translation>nicht gesendet: %1</translation>
    </message>
    <message>
        <source>Sending a live announcement (not stored)…</source>
        <translation>Sende eine Live-Ankündigung (nicht gespeichert)…</translation>
    </message>
    <message>
        <source>Storing %1 of %2…</source>
        <translation>Speichere %1 von %2…</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Sende…</translation>
    </message>
    <message numerus="yes">
        <source>Live announcement, not stored: delivered to %n connection(s). No inbox has it; offline members will not see it.</source>
        <translation>
            <numerusform>Live-Ankündigung, nicht gespeichert: an %n Verbindung zugestellt. Kein Posteingang hat sie; Mitglieder, die offline sind, sehen sie nicht.</numerusform>
            <numerusform>Live-Ankündigung, nicht gespeichert: an %n Verbindungen zugestellt. Kein Posteingang hat sie; Mitglieder, die offline sind, sehen sie nicht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stored for %1: delivered to %n connection(s).</source>
        <translation>
            <numerusform>Für %1 gespeichert: an %n Verbindung zugestellt.</numerusform>
            <numerusform>Für %1 gespeichert: an %n Verbindungen zugestellt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent: %n notification(s) stored</source>
        <translation>
            <numerusform>Gesendet: %n Benachrichtigung gespeichert</numerusform>
            <numerusform>Gesendet: %n Benachrichtigungen gespeichert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>delivered to %n connection(s).</source>
        <translation>
            <numerusform>zugestellt an %n Verbindung.</numerusform>
            <numerusform>zugestellt an %n Verbindungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>notify::console::SendTestView</name>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>Organisations-ID, z. B. acme</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>/path/in/app or https://…</source>
        <translation>/pfad/in/app oder https://…</translation>
    </message>
    <message>
        <source>{&quot;key&quot;: &quot;value&quot;} (optional JSON object)</source>
        <translation>{&quot;schlüssel&quot;: &quot;wert&quot;} (optionales JSON-Objekt)</translation>
    </message>
    <message>
        <source>room, e.g. org:acme:role:admin</source>
        <translation>Raum, z. B. org:acme:role:admin</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>Benutzer-ID, z. B. alice</translation>
    </message>
    <message>
        <source>&amp;Organization:</source>
        <translation>&amp;Organisation:</translation>
    </message>
    <message>
        <source>&amp;Recipient:</source>
        <translation>&amp;Empfänger:</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;yp:</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <source>&amp;Body:</source>
        <translation>&amp;Text:</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>&amp;Priorität:</translation>
    </message>
    <message>
        <source>&amp;Action URL:</source>
        <translation>&amp;Aktions-URL:</translation>
    </message>
    <message>
        <source>&amp;Metadata:</source>
        <translation>&amp;Metadaten:</translation>
    </message>
    <message>
        <source>Test notification</source>
        <translation>Testbenachrichtigung</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Invalid JSON at character %1: %2</source>
        <translation>Ungültiges JSON bei Zeichen %1: %2</translation>
    </message>
    <message>
        <source>Metadata must be a JSON object: {…}</source>
        <translation>Metadaten müssen ein JSON-Objekt sein: {…}</translation>
    </message>
    <message>
        <source>Metadata is larger than %1 KiB</source>
        <translation>Metadaten sind größer als %1 KiB</translation>
    </message>
    <message>
        <source>Enter an organization id.</source>
        <translation>Geben Sie eine Organisations-ID ein.</translation>
    </message>
    <message>
        <source>The organization id is not valid (1–128 characters, no control characters).</source>
        <translation>Die Organisations-ID ist ungültig (1–128 Zeichen, keine Steuerzeichen).</translation>
    </message>
    <message>
        <source>Enter a room.</source>
        <translation>Geben Sie einen Raum ein.</translation>
    </message>
    <message>
        <source>Enter a user id.</source>
        <translation>Geben Sie eine Benutzer-ID ein.</translation>
    </message>
    <message>
        <source>The user id is not valid (1–128 characters, no control characters).</source>
        <translation>Die Benutzer-ID ist ungültig (1–128 Zeichen, keine Steuerzeichen).</translation>
    </message>
    <message>
        <source>The type is not valid (1–128 characters, no control characters).</source>
        <translation>Der Typ ist ungültig (1–128 Zeichen, keine Steuerzeichen).</translation>
    </message>
    <message>
        <source>Enter a title.</source>
        <translation>Geben Sie einen Titel ein.</translation>
    </message>
    <message>
        <source>The title is longer than %1 characters.</source>
        <translation>Der Titel ist länger als %1 Zeichen.</translation>
    </message>
    <message>
        <source>The body is longer than %1 characters.</source>
        <translation>Der Text ist länger als %1 Zeichen.</translation>
    </message>
    <message>
        <source>The action URL must be a relative path or an http(s) URL.</source>
        <translation>Die Aktions-URL muss ein relativer Pfad oder eine http(s)-URL sein.</translation>
    </message>
    <message>
        <source>Not connected to a server</source>
        <translation>Mit keinem Server verbunden</translation>
    </message>
    <message>
        <source>Send this notification (Ctrl+Return)</source>
        <translation>Diese Benachrichtigung senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>A room send is a live announcement: it reaches the connections in the room now and is not stored. No inbox gets it; members who are offline never see it.</source>
        <translation>Eine Sendung an einen Raum ist eine Live-Ankündigung: Sie erreicht die Verbindungen, die jetzt im Raum sind, und wird nicht gespeichert. Kein Posteingang erhält sie; Mitglieder, die offline sind, sehen sie nie.</translation>
    </message>
    <message numerus="yes">
        <source>Store for each listed member instead (%n user(s))</source>
        <translation>
            <numerusform>Stattdessen für jedes gelistete Mitglied speichern (%n Benutzer)</numerusform>
            <numerusform>Stattdessen für jedes gelistete Mitglied speichern (%n Benutzer)</numerusform>
        </translation>
    </message>
    <message>
        <source>Send a stored notification to each user connected to this room now; users who are offline are not listed and get nothing.</source>
        <translation>Jedem Benutzer, der jetzt mit diesem Raum verbunden ist, eine gespeicherte Benachrichtigung senden; Benutzer, die offline sind, sind nicht gelistet und erhalten nichts.</translation>
    </message>
    <message>
        <source>Test from support</source>
        <translation>Test vom Support</translation>
    </message>
    <message>
        <source>Not a room name: use org:%1, org:%1:role:ROLE, org:%1:user:USER or broadcast.</source>
        <translation>Kein Raumname: verwenden Sie org:%1, org:%1:role:ROLLE, org:%1:user:BENUTZER oder broadcast.</translation>
    </message>
    <message>
        <source>The room belongs to organization “%1”, not to “%2”.</source>
        <translation>Der Raum gehört zur Organisation „%1“, nicht zu „%2“.</translation>
    </message>
</context>
<context>
    <name>notify::console::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>The console switches to the new language at once.</source>
        <translation>Die Konsole wechselt sofort in die neue Sprache.</translation>
    </message>
</context>
<context>
    <name>notify::console::SupportPanel</name>
    <message>
        <source>Revoke sessions…</source>
        <translation>Sitzungen widerrufen…</translation>
    </message>
    <message>
        <source>Revoke every session of this user and close its connections</source>
        <translation>Alle Sitzungen dieses Benutzers widerrufen und ihre Verbindungen schließen</translation>
    </message>
    <message>
        <source>Mark read…</source>
        <translation>Als gelesen markieren…</translation>
    </message>
    <message>
        <source>Mark the notifications selected in the inbox read for this user</source>
        <translation>Die im Posteingang ausgewählten Benachrichtigungen für diesen Benutzer als gelesen markieren</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Delete the notifications selected in the inbox for this user</source>
        <translation>Die im Posteingang ausgewählten Benachrichtigungen für diesen Benutzer löschen</translation>
    </message>
    <message>
        <source>notification id or idempotency key</source>
        <translation>Benachrichtigungs-Id oder Idempotenzschlüssel</translation>
    </message>
    <message>
        <source>An idempotency key is looked up in the organization above</source>
        <translation>Ein Idempotenzschlüssel wird in der Organisation oben gesucht</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refused connections</source>
        <translation>Abgewiesene Verbindungen</translation>
    </message>
    <message>
        <source>Broadcasts</source>
        <translation>Rundsendungen</translation>
    </message>
    <message>
        <source>Support action</source>
        <translation>Support-Aktion</translation>
    </message>
    <message>
        <source>Show a user first.</source>
        <translation>Zuerst einen Benutzer anzeigen.</translation>
    </message>
    <message>
        <source>Revoke every session of %1 @ %2? Their session connections are closed and their session tokens stop working; the action is in the audit log.</source>
        <translation>Alle Sitzungen von %1 @ %2 widerrufen? Ihre Sitzungsverbindungen werden geschlossen und ihre Sitzungstoken gelten nicht mehr; die Aktion steht im Audit-Protokoll.</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>Nicht widerrufen: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) of %1 @ %2 revoked.</source>
        <translation>
            <numerusform>%n Sitzung von %1 @ %2 widerrufen.</numerusform>
            <numerusform>%n Sitzungen von %1 @ %2 widerrufen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select notifications of the user&apos;s inbox first.</source>
        <translation>Zuerst Benachrichtigungen im Posteingang des Benutzers auswählen.</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n notification(s) for %1 @ %2? Every open tab of the user removes them; the action is in the audit log.</source>
        <translation>
            <numerusform>%n Benachrichtigung für %1 @ %2 löschen? Jeder offene Tab des Benutzers entfernt sie; die Aktion steht im Audit-Protokoll.</numerusform>
            <numerusform>%n Benachrichtigungen für %1 @ %2 löschen? Jeder offene Tab des Benutzers entfernt sie; die Aktion steht im Audit-Protokoll.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark %n notification(s) read for %1 @ %2? Every open tab of the user updates; the action is in the audit log.</source>
        <translation>
            <numerusform>%n Benachrichtigung für %1 @ %2 als gelesen markieren? Jeder offene Tab des Benutzers wird aktualisiert; die Aktion steht im Audit-Protokoll.</numerusform>
            <numerusform>%n Benachrichtigungen für %1 @ %2 als gelesen markieren? Jeder offene Tab des Benutzers wird aktualisiert; die Aktion steht im Audit-Protokoll.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Nicht geändert: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) deleted.</source>
        <translation>
            <numerusform>%n Benachrichtigung gelöscht.</numerusform>
            <numerusform>%n Benachrichtigungen gelöscht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) marked read.</source>
        <translation>
            <numerusform>%n Benachrichtigung als gelesen markiert.</numerusform>
            <numerusform>%n Benachrichtigungen als gelesen markiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking for %1…</source>
        <translation>Suche nach %1…</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Nicht gefunden: %1</translation>
    </message>
    <message>
        <source>No notification has the id or idempotency key %1.</source>
        <translation>Keine Benachrichtigung hat die Id oder den Idempotenzschlüssel %1.</translation>
    </message>
    <message>
        <source>%1 is “%2” of %3 @ %4.</source>
        <translation>%1 ist „%2“ von %3 @ %4.</translation>
    </message>
    <message>
        <source>The same key was also sent to: %1</source>
        <translation>Derselbe Schlüssel ging auch an: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origin</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>Erreicht</translation>
    </message>
</context>
<context>
    <name>notify::console::TemplateBar</name>
    <message>
        <source>Load</source>
        <translation>Laden</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>Vorlage:</translation>
    </message>
    <message>
        <source>Template “%1” saved.</source>
        <translation>Vorlage „%1“ gespeichert.</translation>
    </message>
    <message>
        <source>Could not save the template: %1</source>
        <translation>Die Vorlage konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Vorlage speichern</translation>
    </message>
    <message>
        <source>Template name:</source>
        <translation>Name der Vorlage:</translation>
    </message>
</context>
<context>
    <name>notify::console::TraceModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Notification</source>
        <translation>Benachrichtigung</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Raum</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>0 (nobody connected)</source>
        <translation>0 (niemand verbunden)</translation>
    </message>
    <message numerus="yes">
        <source>%1
Notification %2
Room %3
%n connection(s)</source>
        <translation>
            <numerusform>%1
Benachrichtigung %2
Raum %3
%n Verbindung</numerusform>
            <numerusform>%1
Benachrichtigung %2
Raum %3
%n Verbindungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Delivered by node %1</source>
        <translation>Zugestellt von Knoten %1</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
</context>
<context>
    <name>notify::console::UserView</name>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>Organisations-ID, z. B. acme</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>Benutzer-ID, z. B. alice</translation>
    </message>
    <message>
        <source>Connection &amp;details…</source>
        <translation>Verbindungs&amp;details…</translation>
    </message>
    <message>
        <source>&amp;Resend</source>
        <translation>&amp;Erneut senden</translation>
    </message>
    <message>
        <source>Send &amp;test…</source>
        <translation>&amp;Test senden…</translation>
    </message>
    <message>
        <source>&amp;Resend selected</source>
        <translation>Auswahl &amp;erneut senden</translation>
    </message>
    <message>
        <source>&amp;Copy ids</source>
        <translation>IDs &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy the organization, user and connection ids</source>
        <translation>Organisations-, Benutzer- und Verbindungs-IDs kopieren</translation>
    </message>
    <message>
        <source>org: %1</source>
        <translation>Organisation: %1</translation>
    </message>
    <message>
        <source>user: %1</source>
        <translation>Benutzer: %1</translation>
    </message>
    <message>
        <source>connection: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <source>Live connections</source>
        <translation>Aktive Verbindungen</translation>
    </message>
    <message>
        <source>Test notifications sent from this console</source>
        <translation>Von dieser Konsole gesendete Testbenachrichtigungen</translation>
    </message>
    <message>
        <source>Enter an organization id and a user id.</source>
        <translation>Geben Sie eine Organisations-ID und eine Benutzer-ID ein.</translation>
    </message>
    <message>
        <source>Could not read the inbox: %1</source>
        <translation>Der Posteingang konnte nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 @ %2: %n live connection(s) on this node</source>
        <translation>
            <numerusform>%1 @ %2: %n aktive Verbindung auf diesem Knoten</numerusform>
            <numerusform>%1 @ %2: %n aktive Verbindungen auf diesem Knoten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread notification(s)</source>
        <translation>
            <numerusform>%n ungelesene Benachrichtigung</numerusform>
            <numerusform>%n ungelesene Benachrichtigungen</numerusform>
        </translation>
    </message>
    <message>
        <source>reading the inbox…</source>
        <translation>lese den Posteingang…</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Connection #%1
User: %2 @ %3
Role: %4
Protocol: %5
Address: %6
User agent: %7
Origin: %8
Connected: %9
Last pong: %10
RTT: %11
Frames in/out: %12 / %13
Bytes out: %14
Rooms: %15</source>
        <translation>Verbindung #%1
Benutzer: %2 @ %3
Rolle: %4
Protokoll: %5
Adresse: %6
User-Agent: %7
Origin: %8
Verbunden: %9
Letztes Pong: %10
RTT: %11
Frames ein/aus: %12 / %13
Bytes aus: %14
Räume: %15</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Connection #%1</source>
        <translation>Verbindung #%1</translation>
    </message>
    <message>
        <source>Inbox (newest first; deleted notifications struck through)</source>
        <translation>Posteingang (neueste zuerst; gelöschte durchgestrichen)</translation>
    </message>
    <message numerus="yes">
        <source>%n on other nodes</source>
        <translation>
            <numerusform>%n auf einem anderen Knoten</numerusform>
            <numerusform>%n auf anderen Knoten</numerusform>
        </translation>
    </message>
    <message>
        <source>Connections on other nodes</source>
        <translation>Verbindungen auf anderen Knoten</translation>
    </message>
    <message>
        <source>as of %1</source>
        <translation>Stand %1</translation>
    </message>
    <message>
        <source>live</source>
        <translation>aktuell</translation>
    </message>
</context>
<context>
    <name>notify::console::WebhooksView</name>
    <message>
        <source>all organizations</source>
        <translation>alle Organisationen</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Add endpoint…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen…</translation>
    </message>
    <message>
        <source>Enable again…</source>
        <translation>Wieder aktivieren…</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation:</translation>
    </message>
    <message>
        <source>Could not read the webhook endpoints: %1</source>
        <translation>Die Webhook-Endpunkte konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>DISABLED since %1</source>
        <translation>DEAKTIVIERT seit %1</translation>
    </message>
    <message>
        <source>failing since %1, next attempt %2</source>
        <translation>fehlschlagend seit %1, nächster Versuch %2</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Add a webhook endpoint</source>
        <translation>Webhook-Endpunkt hinzufügen</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>Organisations-ID, z. B. acme</translation>
    </message>
    <message>
        <source>https://backend.example.com/notifyd-events</source>
        <translation>https://backend.example.com/notifyd-events</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>Events:</source>
        <translation>Ereignisse:</translation>
    </message>
    <message>
        <source>Each event is sent as a signed POST to this URL. Its signing secret is shown once, after adding.</source>
        <translation>Jedes Ereignis wird als signierter POST an diese URL gesendet. Das Signaturgeheimnis des Endpunkts wird nach dem Hinzufügen einmal angezeigt.</translation>
    </message>
    <message>
        <source>Add endpoint</source>
        <translation>Endpunkt hinzufügen</translation>
    </message>
    <message>
        <source>Not added: %1</source>
        <translation>Nicht hinzugefügt: %1</translation>
    </message>
    <message>
        <source>Webhook endpoint %1</source>
        <translation>Webhook-Endpunkt %1</translation>
    </message>
    <message>
        <source>The signing secret of %1 for organization %2. It is shown only now: copy it to the receiver, which checks each call&apos;s X-Notifyd-Signature with it.</source>
        <translation>Das Signaturgeheimnis von %1 für die Organisation %2. Es wird nur jetzt angezeigt: Kopieren Sie es zum Empfänger, der damit die X-Notifyd-Signature jedes Aufrufs prüft.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Added the endpoint %1.</source>
        <translation>Endpunkt %1 hinzugefügt.</translation>
    </message>
    <message>
        <source>Select an endpoint first.</source>
        <translation>Wählen Sie zuerst einen Endpunkt aus.</translation>
    </message>
    <message>
        <source>Remove the webhook endpoint %1 of organization %2? The events waiting for it (%3) are dropped, and its back end gets no more events.</source>
        <translation>Den Webhook-Endpunkt %1 der Organisation %2 entfernen? Die für ihn wartenden Ereignisse (%3) werden verworfen, und sein Backend erhält keine Ereignisse mehr.</translation>
    </message>
    <message>
        <source>Remove endpoint</source>
        <translation>Endpunkt entfernen</translation>
    </message>
    <message>
        <source>Removed the endpoint %1.</source>
        <translation>Endpunkt %1 entfernt.</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>Nicht entfernt: %1</translation>
    </message>
    <message>
        <source>The endpoint %1 is active: there is nothing to enable.</source>
        <translation>Der Endpunkt %1 ist aktiv: Es gibt nichts zu aktivieren.</translation>
    </message>
    <message>
        <source>Enable the webhook endpoint %1 of organization %2 again? Its backoff is cleared and the events it kept (%3) are sent now, each user&apos;s in order.</source>
        <translation>Den Webhook-Endpunkt %1 der Organisation %2 wieder aktivieren? Seine Wartezeit wird zurückgesetzt, und die aufbewahrten Ereignisse (%3) werden jetzt gesendet, für jeden Benutzer der Reihe nach.</translation>
    </message>
    <message>
        <source>Enable endpoint</source>
        <translation>Endpunkt aktivieren</translation>
    </message>
    <message>
        <source>Enabled the endpoint %1 again.</source>
        <translation>Endpunkt %1 wieder aktiviert.</translation>
    </message>
    <message>
        <source>Not enabled: %1</source>
        <translation>Nicht aktiviert: %1</translation>
    </message>
</context>
</TS>
