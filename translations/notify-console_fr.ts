<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>QObject</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copier</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>E&amp;xporter en CSV…</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>Exporter en CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d’écrire %1 : %2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n ligne exportée vers %1</numerusform>
            <numerusform>%n lignes exportées vers %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Operator console for notifyd</source>
        <translation>Console d&apos;exploitation pour notifyd</translation>
    </message>
    <message>
        <source>Connect at start to the admin channel at &lt;url&gt;, e.g. ws://127.0.0.1:8081/admin.</source>
        <translation>Se connecter au démarrage au canal d&apos;administration &lt;url&gt;, p. ex. ws://127.0.0.1:8081/admin.</translation>
    </message>
    <message>
        <source>The server&apos;s admin key (default: the environment variable NOTIFY_ADMIN_KEY).</source>
        <translation>La clé d&apos;administration du serveur (par défaut : la variable d&apos;environnement NOTIFY_ADMIN_KEY).</translation>
    </message>
    <message>
        <source>Local storage</source>
        <translation>Stockage local</translation>
    </message>
    <message>
        <source>Profiles, templates and history cannot be saved: %1</source>
        <translation>Les profils, modèles et l&apos;historique ne peuvent pas être enregistrés : %1</translation>
    </message>
</context>
<context>
    <name>notify::console::AdminClient</name>
    <message>
        <source>connection attempt timed out</source>
        <translation>délai de connexion dépassé</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>déconnecté</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connexion</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>connecté</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>reconnexion</translation>
    </message>
    <message>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <source>the connection was closed</source>
        <translation>la connexion a été fermée</translation>
    </message>
    <message>
        <source>Connecting to %1</source>
        <translation>Connexion à %1</translation>
    </message>
    <message>
        <source>admin key rejected by the server</source>
        <translation>clé d&apos;administration refusée par le serveur</translation>
    </message>
    <message>
        <source>Admin key rejected (close code %1); not retrying</source>
        <translation>Clé d&apos;administration refusée (code de fermeture %1) ; pas de nouvel essai</translation>
    </message>
    <message>
        <source>connection closed (code %1)</source>
        <translation>connexion fermée (code %1)</translation>
    </message>
    <message>
        <source>connection closed: %1 (code %2)</source>
        <translation>connexion fermée : %1 (code %2)</translation>
    </message>
    <message>
        <source>could not connect</source>
        <translation>connexion impossible</translation>
    </message>
    <message>
        <source>Disconnected: %1</source>
        <translation>Déconnecté : %1</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s</source>
        <translation>Reconnexion dans %1 s</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>non connecté</translation>
    </message>
    <message>
        <source>no reply from the server</source>
        <translation>pas de réponse du serveur</translation>
    </message>
    <message>
        <source>Ignored a frame that is not a JSON object: %1</source>
        <translation>Trame ignorée, ce n&apos;est pas un objet JSON : %1</translation>
    </message>
    <message>
        <source>Server error: %1 (%2)</source>
        <translation>Erreur du serveur : %1 (%2)</translation>
    </message>
    <message>
        <source>Server node %1, version %2</source>
        <translation>Nœud serveur %1, version %2</translation>
    </message>
    <message>
        <source>Ignored a malformed connection: %1</source>
        <translation>Connexion mal formée ignorée : %1</translation>
    </message>
    <message>
        <source>Ignored a connection:closed without connectionId</source>
        <translation>connection:closed sans connectionId ignoré</translation>
    </message>
    <message>
        <source>Ignored an unknown message type: %1</source>
        <translation>Type de message inconnu ignoré : %1</translation>
    </message>
    <message>
        <source>Snapshot request failed: %1</source>
        <translation>La demande d&apos;instantané a échoué : %1</translation>
    </message>
    <message>
        <source>%1 is not an admin channel (close code %2): the admin channel is /admin on the server&apos;s API port (--api-listen), not on the client port</source>
        <translation>%1 n’est pas un canal d’administration (code de fermeture %2) : le canal d’administration est /admin sur le port API du serveur (--api-listen), pas sur le port client</translation>
    </message>
    <message>
        <source>Wrong endpoint: %1; not retrying</source>
        <translation>Mauvais point d’accès : %1 ; pas de nouvel essai</translation>
    </message>
    <message>
        <source>Connected; admin key accepted</source>
        <translation>Connecté ; clé d’administration acceptée</translation>
    </message>
    <message>
        <source>%1 does not answer after %2 attempts (%3); trying once a minute from now on: Refresh snapshot tries at once</source>
        <translation>%1 ne répond pas après %2 tentatives (%3) ; désormais une tentative par minute : « Actualiser l&apos;instantané » réessaie tout de suite</translation>
    </message>
</context>
<context>
    <name>notify::console::AuditView</name>
    <message>
        <source>Older entries</source>
        <translation>Entrées plus anciennes</translation>
    </message>
    <message>
        <source>operator, e.g. admin-key</source>
        <translation>opérateur, p. ex. admin-key</translation>
    </message>
    <message>
        <source>action, e.g. kick</source>
        <translation>action, p. ex. kick</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Export the audit log</source>
        <translation>Exporter le journal d’audit</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>Opérateur :</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Action :</translation>
    </message>
    <message>
        <source>Could not read the audit log: %1</source>
        <translation>Impossible de lire le journal d’audit : %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Opérateur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Cible</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message numerus="yes">
        <source>%n entries shown; older ones on demand.</source>
        <translation>
            <numerusform>%n entrée affichée ; les plus anciennes sur demande.</numerusform>
            <numerusform>%n entrées affichées ; les plus anciennes sur demande.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n entries.</source>
        <translation>
            <numerusform>%n entrée.</numerusform>
            <numerusform>%n entrées.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>notify::console::ConnectDialog</name>
    <message>
        <source>Connect to a notifyd server</source>
        <translation>Se connecter à un serveur notifyd</translation>
    </message>
    <message>
        <source>e.g. staging</source>
        <translation>p. ex. préproduction</translation>
    </message>
    <message>
        <source>the server&apos;s --admin-key</source>
        <translation>la valeur --admin-key du serveur</translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation>Enregistrer le profil</translation>
    </message>
    <message>
        <source>Delete profile</source>
        <translation>Supprimer le profil</translation>
    </message>
    <message>
        <source>&amp;Profile:</source>
        <translation>&amp;Profil :</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>Admin &amp;URL:</source>
        <translation>&amp;URL d&apos;administration :</translation>
    </message>
    <message>
        <source>Admin &amp;key:</source>
        <translation>&amp;Clé d&apos;administration :</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Give the profile a name first.</source>
        <translation>Donnez d&apos;abord un nom au profil.</translation>
    </message>
    <message>
        <source>The admin URL is not valid.</source>
        <translation>L&apos;URL d&apos;administration n&apos;est pas valide.</translation>
    </message>
    <message>
        <source>Could not save the profile: %1</source>
        <translation>Impossible d&apos;enregistrer le profil : %1</translation>
    </message>
    <message>
        <source>(new profile)</source>
        <translation>(nouveau profil)</translation>
    </message>
    <message>
        <source>Use ws://host:port/admin or wss://…</source>
        <translation>Utilisez ws://hôte:port/admin ou wss://…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Could not read the admin key from the keyring: %1</source>
        <translation>Impossible de lire la clé d’administration dans le trousseau : %1</translation>
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
        <translation>Connexion n° %1
Rôle : %2
Agent utilisateur : %3
Origine : %4
Salons : %5</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n. d.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocole</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Connecté depuis</translation>
    </message>
    <message>
        <source>RTT</source>
        <translation>RTT</translation>
    </message>
    <message>
        <source>Frames in</source>
        <translation>Trames reçues</translation>
    </message>
    <message>
        <source>Frames out</source>
        <translation>Trames envoyées</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent</translation>
    </message>
    <message>
        <source>In/s</source>
        <translation>Entrées/s</translation>
    </message>
    <message>
        <source>Out/s</source>
        <translation>Sorties/s</translation>
    </message>
    <message>
        <source>RTT (ms)</source>
        <translation>RTT (ms)</translation>
    </message>
    <message>
        <source>
Token: %1, key %2, issuer %3</source>
        <translation>
Jeton : %1, clé %2, émetteur %3</translation>
    </message>
    <message>
        <source>(no kid)</source>
        <translation>(sans kid)</translation>
    </message>
    <message>
        <source>
Expires: %1</source>
        <translation>
Expire : %1</translation>
    </message>
</context>
<context>
    <name>notify::console::ConnectionsView</name>
    <message>
        <source>Filter: words matching id, user, organization, role, protocol, address, user agent or room</source>
        <translation>Filtre : mots présents dans l’id, l’utilisateur, l’organisation, le rôle, le protocole, l’adresse, l’agent utilisateur ou le salon</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>Afficher l’&amp;utilisateur…</translation>
    </message>
    <message numerus="yes">
        <source>No connection matches “%1” (of %n connection(s)).</source>
        <translation>
            <numerusform>Aucune connexion ne correspond à « %1 » (sur %n connexion).</numerusform>
            <numerusform>Aucune connexion ne correspond à « %1 » (sur %n connexions).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>notify::console::CountersModel</name>
    <message>
        <source>Created</source>
        <translation>Créées</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Envoyées</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Accusées</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lues</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Échouées</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>Abandonnées</translation>
    </message>
    <message>
        <source>Auth failures</source>
        <translation>Échecs d&apos;authentification</translation>
    </message>
    <message>
        <source>Heartbeat timeouts</source>
        <translation>Expirations du heartbeat</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Limitées en débit</translation>
    </message>
    <message>
        <source>Counter</source>
        <translation>Compteur</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>Par seconde</translation>
    </message>
</context>
<context>
    <name>notify::console::DeliveriesView</name>
    <message>
        <source>Trace deliveries</source>
        <translation>Tracer les distributions</translation>
    </message>
    <message>
        <source>Clear trace</source>
        <translation>Effacer la trace</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>Compteurs</translation>
    </message>
    <message>
        <source>Per second</source>
        <translation>Par seconde</translation>
    </message>
    <message>
        <source>Delivery trace</source>
        <translation>Trace des distributions</translation>
    </message>
    <message>
        <source>Record every delivery from the connection on (in a cluster, every node&apos;s), the last %1 kept (costs some CPU on a busy node)</source>
        <translation>Enregistrer chaque distribution dès la connexion (dans un cluster, celles de chaque nœud), les %1 dernières conservées (coûte un peu de CPU sur un nœud chargé)</translation>
    </message>
    <message numerus="yes">
        <source>%n trace record(s) dropped</source>
        <translation>
            <numerusform>%n enregistrement de trace perdu</numerusform>
            <numerusform>%n enregistrements de trace perdus</numerusform>
        </translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>Afficher l’&amp;utilisateur…</translation>
    </message>
</context>
<context>
    <name>notify::console::HistoryModel</name>
    <message>
        <source>Notification ids: %1</source>
        <translation>Identifiants des notifications : %1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>échec : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connexion</numerusform>
            <numerusform>%n connexions</numerusform>
        </translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Envoyé le</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Destinataire</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Delivered to</source>
        <translation>Distribué à</translation>
    </message>
    <message numerus="yes">
        <source>live only: %n connection(s)</source>
        <translation>
            <numerusform>en direct seulement : %n connexion</numerusform>
            <numerusform>en direct seulement : %n connexions</numerusform>
        </translation>
    </message>
    <message>
        <source>Notification ids</source>
        <translation>Ids des notifications</translation>
    </message>
</context>
<context>
    <name>notify::console::KeyVault</name>
    <message>
        <source>this build has no keyring support (QtKeychain)</source>
        <translation>cette version ne prend pas en charge le trousseau (QtKeychain)</translation>
    </message>
    <message>
        <source>NOTIFY_CONSOLE_NO_KEYRING is set</source>
        <translation>NOTIFY_CONSOLE_NO_KEYRING est défini</translation>
    </message>
    <message>
        <source>no desktop session (platform %1)</source>
        <translation>pas de session de bureau (plateforme %1)</translation>
    </message>
    <message>
        <source>no D-Bus session bus, so no Secret Service</source>
        <translation>pas de bus de session D-Bus, donc pas de Secret Service</translation>
    </message>
    <message>
        <source>Admin keys are kept in the desktop keyring.</source>
        <translation>Les clés d’administration sont conservées dans le trousseau du bureau.</translation>
    </message>
    <message>
        <source>No desktop keyring (%1): admin keys are kept in console.db in plain text.</source>
        <translation>Pas de trousseau (%1) : les clés d’administration sont conservées en clair dans console.db.</translation>
    </message>
    <message>
        <source>The admin key of profile “%1” stays in console.db: %2</source>
        <translation>La clé d’administration du profil « %1 » reste dans console.db : %2</translation>
    </message>
    <message>
        <source>Moved the admin key of profile “%1” into the keyring</source>
        <translation>Clé d’administration du profil « %1 » déplacée dans le trousseau</translation>
    </message>
</context>
<context>
    <name>notify::console::KeysView</name>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Create key…</source>
        <translation>Créer une clé…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Révoquer…</translation>
    </message>
    <message>
        <source>Could not read the keys: %1</source>
        <translation>Impossible de lire les clés : %1</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>révoquée</translation>
    </message>
    <message>
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation>Portées</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requêtes</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Livraisons</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créée</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Révoquée</translation>
    </message>
    <message>
        <source>Create an API key</source>
        <translation>Créer une clé d’API</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>id d’organisation, p. ex. acme</translation>
    </message>
    <message>
        <source>e.g. acme-backend</source>
        <translation>p. ex. acme-backend</translation>
    </message>
    <message>
        <source>server default; e.g. 50/s or 50/s,100 or off</source>
        <translation>valeur du serveur ; p. ex. 50/s, 50/s,100 ou off</translation>
    </message>
    <message>
        <source>server default; e.g. 1000/s</source>
        <translation>valeur du serveur ; p. ex. 1000/s</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation :</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Scopes:</source>
        <translation>Portées :</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Requêtes :</translation>
    </message>
    <message>
        <source>Deliveries:</source>
        <translation>Livraisons :</translation>
    </message>
    <message>
        <source>Not created: %1</source>
        <translation>Non créée : %1</translation>
    </message>
    <message>
        <source>API key %1</source>
        <translation>Clé d’API %1</translation>
    </message>
    <message>
        <source>The key of %1 for organization %2. It is shown only now: copy it to the back end&apos;s configuration.</source>
        <translation>La clé %1 de l’organisation %2. Elle n’est montrée que maintenant : copiez-la dans la configuration du back-end.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Created the key %1.</source>
        <translation>Clé %1 créée.</translation>
    </message>
    <message>
        <source>Select a key first.</source>
        <translation>Choisissez d’abord une clé.</translation>
    </message>
    <message>
        <source>Revoke the API key %1 of organization %2? Its back end is refused (401) within a second on every node.</source>
        <translation>Révoquer la clé d’API %1 de l’organisation %2 ? Son back-end est refusé (401) en une seconde sur chaque nœud.</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Révoquer la clé</translation>
    </message>
    <message>
        <source>Revoked the key %1.</source>
        <translation>Clé %1 révoquée.</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>Non révoqué : %1</translation>
    </message>
</context>
<context>
    <name>notify::console::MainWindow</name>
    <message>
        <source>&amp;Connections</source>
        <translation>&amp;Connexions</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>Sal&amp;ons</translation>
    </message>
    <message>
        <source>&amp;Deliveries</source>
        <translation>&amp;Distributions</translation>
    </message>
    <message>
        <source>&amp;Notifications</source>
        <translation>&amp;Notifications</translation>
    </message>
    <message>
        <source>&amp;Send test</source>
        <translation>&amp;Envoyer un test</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Journal</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Se connecter…</translation>
    </message>
    <message>
        <source>Connect to a notifyd server&apos;s admin channel</source>
        <translation>Se connecter au canal d&apos;administration d&apos;un serveur notifyd</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Déconnecter</translation>
    </message>
    <message>
        <source>&amp;Refresh snapshot</source>
        <translation>&amp;Actualiser l&apos;instantané</translation>
    </message>
    <message>
        <source>Send &amp;test…</source>
        <translation>Envoyer un &amp;test…</translation>
    </message>
    <message>
        <source>&amp;Trace deliveries</source>
        <translation>Tracer les &amp;distributions</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;À propos</translation>
    </message>
    <message>
        <source>About Notify Console</source>
        <translation>À propos de la console Notify</translation>
    </message>
    <message>
        <source>&lt;b&gt;Notify Console&lt;/b&gt; %1&lt;br&gt;The operator console of notifyd: live connections, rooms, delivery counters and test notifications.</source>
        <translation>&lt;b&gt;Console Notify&lt;/b&gt; %1&lt;br&gt;La console d&apos;exploitation de notifyd : connexions en direct, salons, compteurs de distribution et notifications de test.</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Serveur</translation>
    </message>
    <message>
        <source>&amp;Actions</source>
        <translation>&amp;Actions</translation>
    </message>
    <message>
        <source>S&amp;ettings</source>
        <translation>&amp;Paramètres</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principale</translation>
    </message>
    <message numerus="yes">
        <source>Snapshot: %n connection(s)</source>
        <translation>
            <numerusform>Instantané : %n connexion</numerusform>
            <numerusform>Instantané : %n connexions</numerusform>
        </translation>
    </message>
    <message>
        <source>Kick failed: %1</source>
        <translation>L&apos;expulsion a échoué : %1</translation>
    </message>
    <message>
        <source>Delivery trace on</source>
        <translation>Trace des distributions activée</translation>
    </message>
    <message>
        <source>Delivery trace off</source>
        <translation>Trace des distributions désactivée</translation>
    </message>
    <message>
        <source>Trace request failed: %1</source>
        <translation>La demande de trace a échoué : %1</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Non connecté</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Connecté à %1</translation>
    </message>
    <message>
        <source>Connected to %1 (node %2)</source>
        <translation>Connecté à %1 (nœud %2)</translation>
    </message>
    <message>
        <source>operator %1 (%2)</source>
        <translation>opérateur %1 (%2)</translation>
    </message>
    <message>
        <source>The User view needs the support role; you are %1</source>
        <translation>La vue Utilisateur demande le rôle support ; votre rôle est %1</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Erreur : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connexion</numerusform>
            <numerusform>%n connexions</numerusform>
        </translation>
    </message>
    <message>
        <source>Ask the node for a fresh snapshot</source>
        <translation>Demander au nœud un instantané à jour</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Utilisateur</translation>
    </message>
    <message>
        <source>Connection opened: %1</source>
        <translation>Connexion ouverte : %1</translation>
    </message>
    <message>
        <source>Connection closed: %1 (code %2%3)</source>
        <translation>Connexion fermée : %1 (code %2%3)</translation>
    </message>
    <message>
        <source>&amp;Kick connection…</source>
        <translation>&amp;Expulser la connexion…</translation>
    </message>
    <message>
        <source>Close the client connection selected in the tab on screen</source>
        <translation>Fermer la connexion client sélectionnée dans l’onglet affiché</translation>
    </message>
    <message>
        <source>#%1</source>
        <translation>n° %1</translation>
    </message>
    <message>
        <source>#%1, %2 @ %3 (%4, %5)</source>
        <translation>n° %1, %2 @ %3 (%4, %5)</translation>
    </message>
    <message>
        <source>Kick connection</source>
        <translation>Expulser la connexion</translation>
    </message>
    <message>
        <source>Close connection %1?</source>
        <translation>Fermer la connexion %1 ?</translation>
    </message>
    <message>
        <source>Only this connection is closed; the user&apos;s other tabs and devices stay connected. The client may reconnect.</source>
        <translation>Seule cette connexion est fermée ; les autres onglets et appareils de l’utilisateur restent connectés. Le client peut se reconnecter.</translation>
    </message>
    <message>
        <source>&amp;Kick</source>
        <translation>&amp;Expulser</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Don&apos;t ask again in this session</source>
        <translation>Ne plus demander pendant cette session</translation>
    </message>
    <message>
        <source>Kicking connection %1</source>
        <translation>Expulsion de la connexion %1</translation>
    </message>
    <message>
        <source>Connection %1 kicked</source>
        <translation>Connexion %1 expulsée</translation>
    </message>
    <message>
        <source>Kick of %1 failed: %2</source>
        <translation>Échec de l’expulsion de %1 : %2</translation>
    </message>
    <message>
        <source>N&amp;odes</source>
        <translation>Nœud&amp;s</translation>
    </message>
    <message numerus="yes">
        <source>Node %1 dropped %n trace record(s) it could not send</source>
        <translation>
            <numerusform>Le nœud %1 a perdu %n enregistrement de trace qu&apos;il n&apos;a pas pu envoyer</numerusform>
            <numerusform>Le nœud %1 a perdu %n enregistrements de trace qu&apos;il n&apos;a pas pu envoyer</numerusform>
        </translation>
    </message>
    <message>
        <source>Reconnecting to %1 in %2 s — %3</source>
        <translation>Nouvelle tentative vers %1 dans %2 s — %3</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>Clés (&amp;K)</translation>
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
        <translation>Nœud %1
Id : %2</translation>
    </message>
    <message>
        <source>%1 (this node)</source>
        <translation>%1 (ce nœud)</translation>
    </message>
    <message>
        <source>gone</source>
        <translation>disparu</translation>
    </message>
    <message>
        <source>up</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>up, %1</source>
        <translation>actif, %1</translation>
    </message>
    <message>
        <source>storage full</source>
        <translation>stockage plein</translation>
    </message>
    <message>
        <source>storage read-only</source>
        <translation>stockage en lecture seule</translation>
    </message>
    <message>
        <source>database damaged</source>
        <translation>base de données endommagée</translation>
    </message>
    <message>
        <source>storage fault: %1</source>
        <translation>défaut du stockage : %1</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n. d.</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>Created/s</source>
        <translation>Créées/s</translation>
    </message>
    <message>
        <source>Last heartbeat</source>
        <translation>Dernier battement</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Client address</source>
        <translation>Adresse client</translation>
    </message>
    <message>
        <source>API address</source>
        <translation>Adresse API</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Démarré</translation>
    </message>
</context>
<context>
    <name>notify::console::NodesView</name>
    <message>
        <source>Open &amp;user</source>
        <translation>Ouvrir l&apos;&amp;utilisateur</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Nœuds</translation>
    </message>
    <message>
        <source>Connections on the other nodes</source>
        <translation>Connexions sur les autres nœuds</translation>
    </message>
    <message>
        <source>No node information yet.</source>
        <translation>Pas encore d&apos;informations sur les nœuds.</translation>
    </message>
    <message>
        <source>This node is not part of a cluster (SQLite storage): it is the only node.</source>
        <translation>Ce nœud ne fait pas partie d&apos;un cluster (stockage SQLite) : c&apos;est le seul nœud.</translation>
    </message>
    <message numerus="yes">
        <source>%n node(s) on one PostgreSQL database; </source>
        <translation>
            <numerusform>%n nœud sur une base PostgreSQL ; </numerusform>
            <numerusform>%n nœuds sur une base PostgreSQL ; </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s) on the other nodes</source>
        <translation>
            <numerusform>%n connexion sur les autres nœuds</numerusform>
            <numerusform>%n connexions sur les autres nœuds</numerusform>
        </translation>
    </message>
    <message>
        <source> (some nodes did not answer)</source>
        <translation> (certains nœuds n&apos;ont pas répondu)</translation>
    </message>
    <message>
        <source>#%1 on node %2, %3 @ %4 (%5)</source>
        <translation>n° %1 sur le nœud %2, %3 @ %4 (%5)</translation>
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

Action : %3
Id : %4</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>non lue</translation>
    </message>
    <message>
        <source>Seq</source>
        <translation>Seq</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créée le</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lue le</translation>
    </message>
    <message>
        <source>deleted %1</source>
        <translation>supprimée le %1</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Remise le</translation>
    </message>
    <message>
        <source>Pushes by node: %1</source>
        <translation>Envois par nœud : %1</translation>
    </message>
    <message>
        <source>receipt at %1</source>
        <translation>accusé de réception à %1</translation>
    </message>
    <message>
        <source>arrived: read at %1</source>
        <translation>arrivée : lue à %1</translation>
    </message>
    <message>
        <source>pushed to 1 connection at %1, no receipt</source>
        <translation>envoyée à 1 connexion à %1, sans accusé de réception</translation>
    </message>
    <message>
        <source>pushed to %1 connections at %2, no receipt</source>
        <translation>envoyée à %1 connexions à %2, sans accusé de réception</translation>
    </message>
    <message>
        <source>not pushed: no connection was open (queued in the inbox)</source>
        <translation>non envoyée : aucune connexion ouverte (en attente dans la boîte de réception)</translation>
    </message>
    <message>
        <source>no push recorded</source>
        <translation>aucun envoi enregistré</translation>
    </message>
</context>
<context>
    <name>notify::console::NotificationsView</name>
    <message>
        <source>Load</source>
        <translation>Charger</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>Plus anciennes</translation>
    </message>
    <message>
        <source>organization id</source>
        <translation>identifiant d&apos;organisation</translation>
    </message>
    <message>
        <source>user id</source>
        <translation>identifiant d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Load the next page of older notifications</source>
        <translation>Charger la page suivante de notifications plus anciennes</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation :</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Utilisateur :</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Could not load: %1</source>
        <translation>Chargement impossible : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) shown</source>
        <translation>
            <numerusform>%n notification affichée</numerusform>
            <numerusform>%n notifications affichées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n malformed skipped)</source>
        <translation>
            <numerusform>(%n mal formée ignorée)</numerusform>
            <numerusform>(%n mal formées ignorées)</numerusform>
        </translation>
    </message>
    <message>
        <source>— no older ones</source>
        <translation>— aucune plus ancienne</translation>
    </message>
    <message>
        <source>&amp;Unread only</source>
        <translation>Non &amp;lues seulement</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>Afficher l’&amp;utilisateur…</translation>
    </message>
    <message>
        <source>(as of %1)</source>
        <translation>(état à %1)</translation>
    </message>
</context>
<context>
    <name>notify::console::RateChart</name>
    <message>
        <source>Notifications created, frames sent and receipts acknowledged per second</source>
        <translation>Notifications créées, trames envoyées et accusés de réception par seconde</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>il y a %1 s</translation>
    </message>
    <message>
        <source>now</source>
        <translation>maintenant</translation>
    </message>
    <message>
        <source>created</source>
        <translation>créées</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>envoyées</translation>
    </message>
    <message>
        <source>acked</source>
        <translation>accusées</translation>
    </message>
</context>
<context>
    <name>notify::console::RemoteConnectionsModel</name>
    <message>
        <source>Connection #%1 on node %2
User: %3 @ %4
User agent: %5
Rooms: %6</source>
        <translation>Connexion n° %1 sur le nœud %2
Utilisateur : %3 @ %4
Agent utilisateur : %5
Salons : %6</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocole</translation>
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
        <translation>Connecté depuis</translation>
    </message>
</context>
<context>
    <name>notify::console::RoomsModel</name>
    <message>
        <source>Room / connection</source>
        <translation>Salon / connexion</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>connection #%1</source>
        <translation>connexion n° %1</translation>
    </message>
    <message>
        <source>%1 @ %2 (#%3, %4)</source>
        <translation>%1 @ %2 (n° %3, %4)</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
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
        <translation>Filtrer les salons et les membres</translation>
    </message>
    <message>
        <source>Show &amp;user…</source>
        <translation>Afficher l’&amp;utilisateur…</translation>
    </message>
    <message>
        <source>#%1 on node %2, %3 @ %4</source>
        <translation>#%1 sur le nœud %2, %3 @ %4</translation>
    </message>
</context>
<context>
    <name>notify::console::SendTestSender</name>
    <message>
        <source>refused by the server: %1</source>
        <translation>refusée par le serveur : %1</translation>
    </message>
    <message>
        <source>the server could not store it: %1</source>
        <translation>le serveur n’a pas pu l’enregistrer : %1</translation>
    </message>
    <message>
        <source>not sent: %1</source>
        <translation>non envoyée : %1</translation>
    </message>
    <message>
        <source>Sending a live announcement (not stored)…</source>
        <translation>Envoi d’une annonce en direct (non enregistrée)…</translation>
    </message>
    <message>
        <source>Storing %1 of %2…</source>
        <translation>Enregistrement %1 sur %2…</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message numerus="yes">
        <source>Live announcement, not stored: delivered to %n connection(s). No inbox has it; offline members will not see it.</source>
        <translation>
            <numerusform>Annonce en direct, non enregistrée : remise à %n connexion. Aucune boîte de réception ne l’a ; les membres hors ligne ne la verront pas.</numerusform>
            <numerusform>Annonce en direct, non enregistrée : remise à %n connexions. Aucune boîte de réception ne l’a ; les membres hors ligne ne la verront pas.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stored for %1: delivered to %n connection(s).</source>
        <translation>
            <numerusform>Enregistrée pour %1 : remise à %n connexion.</numerusform>
            <numerusform>Enregistrée pour %1 : remise à %n connexions.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent: %n notification(s) stored</source>
        <translation>
            <numerusform>Envoyé : %n notification enregistrée</numerusform>
            <numerusform>Envoyé : %n notifications enregistrées</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>delivered to %n connection(s).</source>
        <translation>
            <numerusform>distribuée à %n connexion.</numerusform>
            <numerusform>distribuée à %n connexions.</numerusform>
        </translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
</context>
<context>
    <name>notify::console::SendTestView</name>
    <message>
        <source>Send</source>
        <translation>Envoyer</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>identifiant d&apos;organisation, p. ex. acme</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Salon</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Basse</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normale</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Haute</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>/path/in/app or https://…</source>
        <translation>/chemin/dans/l&apos;app ou https://…</translation>
    </message>
    <message>
        <source>{&quot;key&quot;: &quot;value&quot;} (optional JSON object)</source>
        <translation>{&quot;clé&quot;: &quot;valeur&quot;} (objet JSON facultatif)</translation>
    </message>
    <message>
        <source>room, e.g. org:acme:role:admin</source>
        <translation>salon, p. ex. org:acme:role:admin</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>identifiant d&apos;utilisateur, p. ex. alice</translation>
    </message>
    <message>
        <source>&amp;Organization:</source>
        <translation>&amp;Organisation :</translation>
    </message>
    <message>
        <source>&amp;Recipient:</source>
        <translation>&amp;Destinataire :</translation>
    </message>
    <message>
        <source>T&amp;ype:</source>
        <translation>T&amp;ype :</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titre :</translation>
    </message>
    <message>
        <source>&amp;Body:</source>
        <translation>&amp;Corps :</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>&amp;Priorité :</translation>
    </message>
    <message>
        <source>&amp;Action URL:</source>
        <translation>URL d&apos;&amp;action :</translation>
    </message>
    <message>
        <source>&amp;Metadata:</source>
        <translation>&amp;Métadonnées :</translation>
    </message>
    <message>
        <source>Test notification</source>
        <translation>Notification de test</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Invalid JSON at character %1: %2</source>
        <translation>JSON invalide au caractère %1 : %2</translation>
    </message>
    <message>
        <source>Metadata must be a JSON object: {…}</source>
        <translation>Les métadonnées doivent être un objet JSON : {…}</translation>
    </message>
    <message>
        <source>Metadata is larger than %1 KiB</source>
        <translation>Les métadonnées dépassent %1 Kio</translation>
    </message>
    <message>
        <source>Enter an organization id.</source>
        <translation>Saisissez un identifiant d&apos;organisation.</translation>
    </message>
    <message>
        <source>The organization id is not valid (1–128 characters, no control characters).</source>
        <translation>L&apos;identifiant d&apos;organisation n&apos;est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
    </message>
    <message>
        <source>Enter a room.</source>
        <translation>Saisissez un salon.</translation>
    </message>
    <message>
        <source>Enter a user id.</source>
        <translation>Saisissez un identifiant d&apos;utilisateur.</translation>
    </message>
    <message>
        <source>The user id is not valid (1–128 characters, no control characters).</source>
        <translation>L&apos;identifiant d&apos;utilisateur n&apos;est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
    </message>
    <message>
        <source>The type is not valid (1–128 characters, no control characters).</source>
        <translation>Le type n&apos;est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
    </message>
    <message>
        <source>Enter a title.</source>
        <translation>Saisissez un titre.</translation>
    </message>
    <message>
        <source>The title is longer than %1 characters.</source>
        <translation>Le titre dépasse %1 caractères.</translation>
    </message>
    <message>
        <source>The body is longer than %1 characters.</source>
        <translation>Le corps dépasse %1 caractères.</translation>
    </message>
    <message>
        <source>The action URL must be a relative path or an http(s) URL.</source>
        <translation>L&apos;URL d&apos;action doit être un chemin relatif ou une URL http(s).</translation>
    </message>
    <message>
        <source>Not connected to a server</source>
        <translation>Non connecté à un serveur</translation>
    </message>
    <message>
        <source>Send this notification (Ctrl+Return)</source>
        <translation>Envoyer cette notification (Ctrl+Entrée)</translation>
    </message>
    <message>
        <source>A room send is a live announcement: it reaches the connections in the room now and is not stored. No inbox gets it; members who are offline never see it.</source>
        <translation>Un envoi à un salon est une annonce en direct : elle atteint les connexions présentes dans le salon et n’est pas enregistrée. Aucune boîte de réception ne la reçoit ; les membres hors ligne ne la verront jamais.</translation>
    </message>
    <message numerus="yes">
        <source>Store for each listed member instead (%n user(s))</source>
        <translation>
            <numerusform>Enregistrer plutôt pour chaque membre listé (%n utilisateur)</numerusform>
            <numerusform>Enregistrer plutôt pour chaque membre listé (%n utilisateurs)</numerusform>
        </translation>
    </message>
    <message>
        <source>Send a stored notification to each user connected to this room now; users who are offline are not listed and get nothing.</source>
        <translation>Envoyer une notification enregistrée à chaque utilisateur connecté à ce salon ; les utilisateurs hors ligne ne sont pas listés et ne reçoivent rien.</translation>
    </message>
    <message>
        <source>Test from support</source>
        <translation>Test du support</translation>
    </message>
    <message>
        <source>Not a room name: use org:%1, org:%1:role:ROLE, org:%1:user:USER or broadcast.</source>
        <translation>Ce n&apos;est pas un nom de salon : utilisez org:%1, org:%1:role:RÔLE, org:%1:user:UTILISATEUR ou broadcast.</translation>
    </message>
    <message>
        <source>The room belongs to organization “%1”, not to “%2”.</source>
        <translation>Le salon appartient à l&apos;organisation « %1 », pas à « %2 ».</translation>
    </message>
</context>
<context>
    <name>notify::console::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>The console switches to the new language at once.</source>
        <translation>La console passe immédiatement à la nouvelle langue.</translation>
    </message>
</context>
<context>
    <name>notify::console::SupportPanel</name>
    <message>
        <source>Revoke sessions…</source>
        <translation>Révoquer les sessions…</translation>
    </message>
    <message>
        <source>Revoke every session of this user and close its connections</source>
        <translation>Révoquer toutes les sessions de cet utilisateur et fermer ses connexions</translation>
    </message>
    <message>
        <source>Mark read…</source>
        <translation>Marquer comme lu…</translation>
    </message>
    <message>
        <source>Mark the notifications selected in the inbox read for this user</source>
        <translation>Marquer comme lues pour cet utilisateur les notifications choisies dans la boîte de réception</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Delete the notifications selected in the inbox for this user</source>
        <translation>Supprimer pour cet utilisateur les notifications choisies dans la boîte de réception</translation>
    </message>
    <message>
        <source>notification id or idempotency key</source>
        <translation>id de notification ou clé d’idempotence</translation>
    </message>
    <message>
        <source>An idempotency key is looked up in the organization above</source>
        <translation>Une clé d’idempotence est cherchée dans l’organisation ci-dessus</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Chercher</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Refused connections</source>
        <translation>Connexions refusées</translation>
    </message>
    <message>
        <source>Broadcasts</source>
        <translation>Diffusions</translation>
    </message>
    <message>
        <source>Support action</source>
        <translation>Action du support</translation>
    </message>
    <message>
        <source>Show a user first.</source>
        <translation>Affichez d’abord un utilisateur.</translation>
    </message>
    <message>
        <source>Revoke every session of %1 @ %2? Their session connections are closed and their session tokens stop working; the action is in the audit log.</source>
        <translation>Révoquer toutes les sessions de %1 @ %2 ? Leurs connexions de session sont fermées et leurs jetons de session ne valent plus ; l’action figure dans le journal d’audit.</translation>
    </message>
    <message>
        <source>Not revoked: %1</source>
        <translation>Non révoqué : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n session(s) of %1 @ %2 revoked.</source>
        <translation>
            <numerusform>%n session de %1 @ %2 révoquée.</numerusform>
            <numerusform>%n sessions de %1 @ %2 révoquées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select notifications of the user&apos;s inbox first.</source>
        <translation>Choisissez d’abord des notifications dans la boîte de réception de l’utilisateur.</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n notification(s) for %1 @ %2? Every open tab of the user removes them; the action is in the audit log.</source>
        <translation>
            <numerusform>Supprimer %n notification pour %1 @ %2 ? Chaque onglet ouvert de l’utilisateur la retire ; l’action figure dans le journal d’audit.</numerusform>
            <numerusform>Supprimer %n notifications pour %1 @ %2 ? Chaque onglet ouvert de l’utilisateur les retire ; l’action figure dans le journal d’audit.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Mark %n notification(s) read for %1 @ %2? Every open tab of the user updates; the action is in the audit log.</source>
        <translation>
            <numerusform>Marquer %n notification comme lue pour %1 @ %2 ? Chaque onglet ouvert de l’utilisateur se met à jour ; l’action figure dans le journal d’audit.</numerusform>
            <numerusform>Marquer %n notifications comme lues pour %1 @ %2 ? Chaque onglet ouvert de l’utilisateur se met à jour ; l’action figure dans le journal d’audit.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Rien de changé : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) deleted.</source>
        <translation>
            <numerusform>%n notification supprimée.</numerusform>
            <numerusform>%n notifications supprimées.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n notification(s) marked read.</source>
        <translation>
            <numerusform>%n notification marquée comme lue.</numerusform>
            <numerusform>%n notifications marquées comme lues.</numerusform>
        </translation>
    </message>
    <message>
        <source>Looking for %1…</source>
        <translation>Recherche de %1…</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Introuvable : %1</translation>
    </message>
    <message>
        <source>No notification has the id or idempotency key %1.</source>
        <translation>Aucune notification n’a l’id ou la clé d’idempotence %1.</translation>
    </message>
    <message>
        <source>%1 is “%2” of %3 @ %4.</source>
        <translation>%1 est « %2 » de %3 @ %4.</translation>
    </message>
    <message>
        <source>The same key was also sent to: %1</source>
        <translation>La même clé a aussi été envoyée à : %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocole</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origine</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>Agent utilisateur</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Reached</source>
        <translation>Atteintes</translation>
    </message>
</context>
<context>
    <name>notify::console::TemplateBar</name>
    <message>
        <source>Load</source>
        <translation>Charger</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Enregistrer sous…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>Modèle :</translation>
    </message>
    <message>
        <source>Template “%1” saved.</source>
        <translation>Modèle « %1 » enregistré.</translation>
    </message>
    <message>
        <source>Could not save the template: %1</source>
        <translation>Impossible d&apos;enregistrer le modèle : %1</translation>
    </message>
    <message>
        <source>Save template</source>
        <translation>Enregistrer le modèle</translation>
    </message>
    <message>
        <source>Template name:</source>
        <translation>Nom du modèle :</translation>
    </message>
</context>
<context>
    <name>notify::console::TraceModel</name>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Notification</source>
        <translation>Notification</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Salon</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>0 (nobody connected)</source>
        <translation>0 (personne de connecté)</translation>
    </message>
    <message numerus="yes">
        <source>%1
Notification %2
Room %3
%n connection(s)</source>
        <translation>
            <numerusform>%1
Notification %2
Salon %3
%n connexion</numerusform>
            <numerusform>%1
Notification %2
Salon %3
%n connexions</numerusform>
        </translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Delivered by node %1</source>
        <translation>Distribuée par le nœud %1</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Nœud</translation>
    </message>
</context>
<context>
    <name>notify::console::UserView</name>
    <message>
        <source>Show</source>
        <translation>Afficher</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>identifiant d&apos;organisation, p. ex. acme</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>identifiant d&apos;utilisateur, p. ex. alice</translation>
    </message>
    <message>
        <source>Connection &amp;details…</source>
        <translation>&amp;Détails de la connexion…</translation>
    </message>
    <message>
        <source>&amp;Resend</source>
        <translation>&amp;Renvoyer</translation>
    </message>
    <message>
        <source>Send &amp;test…</source>
        <translation>Envoyer un &amp;test…</translation>
    </message>
    <message>
        <source>&amp;Resend selected</source>
        <translation>&amp;Renvoyer la sélection</translation>
    </message>
    <message>
        <source>&amp;Copy ids</source>
        <translation>&amp;Copier les ids</translation>
    </message>
    <message>
        <source>Copy the organization, user and connection ids</source>
        <translation>Copier les ids de l’organisation, de l’utilisateur et des connexions</translation>
    </message>
    <message>
        <source>org: %1</source>
        <translation>organisation : %1</translation>
    </message>
    <message>
        <source>user: %1</source>
        <translation>utilisateur : %1</translation>
    </message>
    <message>
        <source>connection: %1</source>
        <translation>connexion : %1</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation :</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Utilisateur :</translation>
    </message>
    <message>
        <source>Live connections</source>
        <translation>Connexions actives</translation>
    </message>
    <message>
        <source>Test notifications sent from this console</source>
        <translation>Notifications de test envoyées depuis cette console</translation>
    </message>
    <message>
        <source>Enter an organization id and a user id.</source>
        <translation>Saisissez un id d’organisation et un id d’utilisateur.</translation>
    </message>
    <message>
        <source>Could not read the inbox: %1</source>
        <translation>Impossible de lire la boîte de réception : %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 @ %2: %n live connection(s) on this node</source>
        <translation>
            <numerusform>%1 @ %2 : %n connexion active sur ce nœud</numerusform>
            <numerusform>%1 @ %2 : %n connexions actives sur ce nœud</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread notification(s)</source>
        <translation>
            <numerusform>%n notification non lue</numerusform>
            <numerusform>%n notifications non lues</numerusform>
        </translation>
    </message>
    <message>
        <source>reading the inbox…</source>
        <translation>lecture de la boîte de réception…</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
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
        <translation>Connexion n° %1
Utilisateur : %2 @ %3
Rôle : %4
Protocole : %5
Adresse : %6
Agent utilisateur : %7
Origine : %8
Connectée : %9
Dernier pong : %10
RTT : %11
Trames entrées/sorties : %12 / %13
Octets sortis : %14
Salons : %15</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n. d.</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Connection #%1</source>
        <translation>Connexion n° %1</translation>
    </message>
    <message>
        <source>Inbox (newest first; deleted notifications struck through)</source>
        <translation>Boîte de réception (les plus récentes d&apos;abord ; supprimées barrées)</translation>
    </message>
    <message numerus="yes">
        <source>%n on other nodes</source>
        <translation>
            <numerusform>%n sur un autre nœud</numerusform>
            <numerusform>%n sur les autres nœuds</numerusform>
        </translation>
    </message>
    <message>
        <source>Connections on other nodes</source>
        <translation>Connexions sur les autres nœuds</translation>
    </message>
    <message>
        <source>as of %1</source>
        <translation>état à %1</translation>
    </message>
    <message>
        <source>live</source>
        <translation>en direct</translation>
    </message>
</context>
<context>
    <name>notify::console::WebhooksView</name>
    <message>
        <source>all organizations</source>
        <translation>toutes les organisations</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Recharger</translation>
    </message>
    <message>
        <source>Add endpoint…</source>
        <translation>Ajouter…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Enable again…</source>
        <translation>Réactiver…</translation>
    </message>
    <message>
        <source>Organization:</source>
        <translation>Organisation :</translation>
    </message>
    <message>
        <source>Could not read the webhook endpoints: %1</source>
        <translation>Impossible de lire les points de terminaison webhook : %1</translation>
    </message>
    <message>
        <source>DISABLED since %1</source>
        <translation>DÉSACTIVÉ depuis %1</translation>
    </message>
    <message>
        <source>failing since %1, next attempt %2</source>
        <translation>en échec depuis %1, prochain essai %2</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En attente</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Dernière erreur</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Événements</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>Abandonnés</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé</translation>
    </message>
    <message>
        <source>Add a webhook endpoint</source>
        <translation>Ajouter un point de terminaison webhook</translation>
    </message>
    <message>
        <source>organization id, e.g. acme</source>
        <translation>id de l&apos;organisation, p. ex. acme</translation>
    </message>
    <message>
        <source>https://backend.example.com/notifyd-events</source>
        <translation>https://backend.example.com/notifyd-events</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL :</translation>
    </message>
    <message>
        <source>Events:</source>
        <translation>Événements :</translation>
    </message>
    <message>
        <source>Each event is sent as a signed POST to this URL. Its signing secret is shown once, after adding.</source>
        <translation>Chaque événement est envoyé à cette URL par un POST signé. Le secret de signature du point de terminaison n&apos;est affiché qu&apos;une fois, après l&apos;ajout.</translation>
    </message>
    <message>
        <source>Add endpoint</source>
        <translation>Ajouter le point de terminaison</translation>
    </message>
    <message>
        <source>Not added: %1</source>
        <translation>Non ajouté : %1</translation>
    </message>
    <message>
        <source>Webhook endpoint %1</source>
        <translation>Point de terminaison webhook %1</translation>
    </message>
    <message>
        <source>The signing secret of %1 for organization %2. It is shown only now: copy it to the receiver, which checks each call&apos;s X-Notifyd-Signature with it.</source>
        <translation>Le secret de signature de %1 pour l&apos;organisation %2. Il n&apos;est affiché que maintenant : copiez-le dans le récepteur, qui vérifie avec lui l&apos;en-tête X-Notifyd-Signature de chaque appel.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copier</translation>
    </message>
    <message>
        <source>Added the endpoint %1.</source>
        <translation>Point de terminaison %1 ajouté.</translation>
    </message>
    <message>
        <source>Select an endpoint first.</source>
        <translation>Sélectionnez d&apos;abord un point de terminaison.</translation>
    </message>
    <message>
        <source>Remove the webhook endpoint %1 of organization %2? The events waiting for it (%3) are dropped, and its back end gets no more events.</source>
        <translation>Supprimer le point de terminaison webhook %1 de l&apos;organisation %2 ? Les événements qui l&apos;attendent (%3) sont abandonnés et son back-end ne reçoit plus d&apos;événements.</translation>
    </message>
    <message>
        <source>Remove endpoint</source>
        <translation>Supprimer le point de terminaison</translation>
    </message>
    <message>
        <source>Removed the endpoint %1.</source>
        <translation>Point de terminaison %1 supprimé.</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>Non supprimé : %1</translation>
    </message>
    <message>
        <source>The endpoint %1 is active: there is nothing to enable.</source>
        <translation>Le point de terminaison %1 est actif : il n&apos;y a rien à réactiver.</translation>
    </message>
    <message>
        <source>Enable the webhook endpoint %1 of organization %2 again? Its backoff is cleared and the events it kept (%3) are sent now, each user&apos;s in order.</source>
        <translation>Réactiver le point de terminaison webhook %1 de l&apos;organisation %2 ? Son délai d&apos;attente est remis à zéro et les événements conservés (%3) sont envoyés maintenant, dans l&apos;ordre pour chaque utilisateur.</translation>
    </message>
    <message>
        <source>Enable endpoint</source>
        <translation>Réactiver le point de terminaison</translation>
    </message>
    <message>
        <source>Enabled the endpoint %1 again.</source>
        <translation>Point de terminaison %1 réactivé.</translation>
    </message>
    <message>
        <source>Not enabled: %1</source>
        <translation>Non réactivé : %1</translation>
    </message>
</context>
</TS>
