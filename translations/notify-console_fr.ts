<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>main</name>
    <message>
        <source>Operator console for notifyd</source>
        <translation>Console d'exploitation pour notifyd</translation>
    </message>
    <message>
        <source>Connect at start to the admin channel at &lt;url&gt;, e.g. ws://127.0.0.1:8081/admin.</source>
        <translation>Se connecter au démarrage au canal d'administration &lt;url&gt;, p. ex. ws://127.0.0.1:8081/admin.</translation>
    </message>
    <message>
        <source>The server's admin key (default: the environment variable NOTIFY_ADMIN_KEY).</source>
        <translation>La clé d'administration du serveur (par défaut : la variable d'environnement NOTIFY_ADMIN_KEY).</translation>
    </message>
    <message>
        <source>Local storage</source>
        <translation>Stockage local</translation>
    </message>
    <message>
        <source>Profiles, templates and history cannot be saved: %1</source>
        <translation>Les profils, modèles et l'historique ne peuvent pas être enregistrés : %1</translation>
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
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>admin key rejected by the server</source>
        <translation>clé d'administration refusée par le serveur</translation>
    </message>
    <message>
        <source>Admin key rejected (close code %1); not retrying</source>
        <translation>Clé d'administration refusée (code de fermeture %1) ; pas de nouvel essai</translation>
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
        <translation>Trame ignorée, ce n'est pas un objet JSON : %1</translation>
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
        <translation>La demande d'instantané a échoué : %1</translation>
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
        <source>the server's --admin-key</source>
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
        <translation>&amp;URL d'administration :</translation>
    </message>
    <message>
        <source>Admin &amp;key:</source>
        <translation>&amp;Clé d'administration :</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Give the profile a name first.</source>
        <translation>Donnez d'abord un nom au profil.</translation>
    </message>
    <message>
        <source>The admin URL is not valid.</source>
        <translation>L'URL d'administration n'est pas valide.</translation>
    </message>
    <message>
        <source>Could not save the profile: %1</source>
        <translation>Impossible d'enregistrer le profil : %1</translation>
    </message>
    <message>
        <source>(new profile)</source>
        <translation>(nouveau profil)</translation>
    </message>
    <message>
        <source>Use ws://host:port/admin or wss://…</source>
        <translation>Utilisez ws://hôte:port/admin ou wss://…</translation>
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
</context>
<context>
    <name>notify::console::ConnectionsView</name>
    <message>
        <source>Filter by user, organization, protocol or address</source>
        <translation>Filtrer par utilisateur, organisation, protocole ou adresse</translation>
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
        <translation>Échecs d'authentification</translation>
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
        <source>Ask the server to report every delivery (costs some CPU on a busy node)</source>
        <translation>Demander au serveur de signaler chaque distribution (coûte un peu de CPU sur un nœud chargé)</translation>
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
        <translation><numerusform>%n connexion</numerusform><numerusform>%n connexions</numerusform></translation>
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
</context>
<context>
    <name>notify::console::MainWindow</name>
    <message>
        <source>Notify Console</source>
        <translation>Console Notify</translation>
    </message>
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
        <source>Connection #%1 closed (%2 %3)</source>
        <translation>Connexion n° %1 fermée (%2 %3)</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>&amp;Se connecter…</translation>
    </message>
    <message>
        <source>Connect to a notifyd server's admin channel</source>
        <translation>Se connecter au canal d'administration d'un serveur notifyd</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Déconnecter</translation>
    </message>
    <message>
        <source>&amp;Refresh snapshot</source>
        <translation>&amp;Actualiser l'instantané</translation>
    </message>
    <message>
        <source>Send &amp;test…</source>
        <translation>Envoyer un &amp;test…</translation>
    </message>
    <message>
        <source>&amp;Kick connection</source>
        <translation>&amp;Expulser la connexion</translation>
    </message>
    <message>
        <source>Close the selected client connection</source>
        <translation>Fermer la connexion client sélectionnée</translation>
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
        <translation>&lt;b&gt;Console Notify&lt;/b&gt; %1&lt;br&gt;La console d'exploitation de notifyd : connexions en direct, salons, compteurs de distribution et notifications de test.</translation>
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
    <message>
        <source>Notify Console — %1</source>
        <translation>Console Notify — %1</translation>
    </message>
    <message numerus="yes">
        <source>Snapshot: %n connection(s)</source>
        <translation><numerusform>Instantané : %n connexion</numerusform><numerusform>Instantané : %n connexions</numerusform></translation>
    </message>
    <message>
        <source>Kicking connection #%1</source>
        <translation>Expulsion de la connexion n° %1</translation>
    </message>
    <message>
        <source>Connection #%1 kicked</source>
        <translation>Connexion n° %1 expulsée</translation>
    </message>
    <message>
        <source>Kick of #%1 failed: %2</source>
        <translation>L'expulsion de n° %1 a échoué : %2</translation>
    </message>
    <message>
        <source>Kick failed: %1</source>
        <translation>L'expulsion a échoué : %1</translation>
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
        <source>Reconnecting in %1 s — %2</source>
        <translation>Reconnexion dans %1 s — %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Erreur : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation><numerusform>%n connexion</numerusform><numerusform>%n connexions</numerusform></translation>
    </message>
    <message>
        <source>Ask the node for a fresh snapshot</source>
        <translation>Demander au nœud un instantané à jour</translation>
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
        <translation>identifiant d'organisation</translation>
    </message>
    <message>
        <source>user id</source>
        <translation>identifiant d'utilisateur</translation>
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
        <translation><numerusform>%n notification affichée</numerusform><numerusform>%n notifications affichées</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>(%n malformed skipped)</source>
        <translation><numerusform>(%n mal formée ignorée)</numerusform><numerusform>(%n mal formées ignorées)</numerusform></translation>
    </message>
    <message>
        <source>— no older ones</source>
        <translation>— aucune plus ancienne</translation>
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
</context>
<context>
    <name>notify::console::RoomsView</name>
    <message>
        <source>Filter rooms and members</source>
        <translation>Filtrer les salons et les membres</translation>
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
        <translation>identifiant d'organisation, p. ex. acme</translation>
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
        <translation>/chemin/dans/l'app ou https://…</translation>
    </message>
    <message>
        <source>{"key": "value"} (optional JSON object)</source>
        <translation>{"clé": "valeur"} (objet JSON facultatif)</translation>
    </message>
    <message>
        <source>room, e.g. org:acme:role:admin</source>
        <translation>salon, p. ex. org:acme:role:admin</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>identifiant d'utilisateur, p. ex. alice</translation>
    </message>
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
        <translation>URL d'&amp;action :</translation>
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
        <translation>Saisissez un identifiant d'organisation.</translation>
    </message>
    <message>
        <source>The organization id is not valid (1–128 characters, no control characters).</source>
        <translation>L'identifiant d'organisation n'est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
    </message>
    <message>
        <source>Enter a room.</source>
        <translation>Saisissez un salon.</translation>
    </message>
    <message>
        <source>Enter a user id.</source>
        <translation>Saisissez un identifiant d'utilisateur.</translation>
    </message>
    <message>
        <source>The user id is not valid (1–128 characters, no control characters).</source>
        <translation>L'identifiant d'utilisateur n'est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
    </message>
    <message>
        <source>The type is not valid (1–128 characters, no control characters).</source>
        <translation>Le type n'est pas valide (1 à 128 caractères, sans caractères de contrôle).</translation>
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
        <translation>L'URL d'action doit être un chemin relatif ou une URL http(s).</translation>
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
        <source>Sending…</source>
        <translation>Envoi…</translation>
    </message>
    <message numerus="yes">
        <source>Sent: %n notification(s) stored</source>
        <translation><numerusform>Envoyé : %n notification enregistrée</numerusform><numerusform>Envoyé : %n notifications enregistrées</numerusform></translation>
    </message>
    <message numerus="yes">
        <source>delivered to %n connection(s).</source>
        <translation><numerusform>distribuée à %n connexion.</numerusform><numerusform>distribuée à %n connexions.</numerusform></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Template “%1” saved.</source>
        <translation>Modèle « %1 » enregistré.</translation>
    </message>
    <message>
        <source>Could not save the template: %1</source>
        <translation>Impossible d'enregistrer le modèle : %1</translation>
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
        <source>A new language takes effect when the console is started again.</source>
        <translation>Une nouvelle langue prend effet au prochain démarrage de la console.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
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
</context>
</TS>
