#include "console/views/sendtestview.h"

#include "console/adminclient/adminclient.h"
#include "console/icons/resources.h"
#include "console/models/connectionsmodel.h"
#include "console/models/historymodel.h"
#include "console/sendtest/sendtestsender.h"
#include "console/sendtest/templatebar.h"
#include "console/views/tableexport.h"
#include "shared/model/priority.h"
#include "shared/model/rooms.h"
#include "shared/model/validation.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace notify::console {

namespace {

enum TargetKind { TargetUser = 0, TargetRoom = 1 };

const char *const errorStyle = "border: 2px solid #d32f2f;";

// A label that keeps its place and height whether or not it shows text: the form must not
// move under the pointer while the user types.
void reserveLines(QLabel *label, int lines)
{
    label->setWordWrap(true);
    label->setFixedHeight(label->fontMetrics().lineSpacing() * lines + 4);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    QSizePolicy policy = label->sizePolicy();
    policy.setRetainSizeWhenHidden(true);
    label->setSizePolicy(policy);
}

} // namespace

SendTestView::SendTestView(AdminClient *client, LocalStore *store, HistoryModel *history,
                           QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_sender(new SendTestSender(client, store, history, this))
    , m_templates(new TemplateBar(store, this))
    , m_org(new QLineEdit(this))
    , m_targetKind(new QComboBox(this))
    , m_target(new QLineEdit(this))
    , m_type(new QLineEdit(this))
    , m_title(new QLineEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_priority(new QComboBox(this))
    , m_actionUrl(new QLineEdit(this))
    , m_metadata(new QPlainTextEdit(this))
    , m_metadataError(new QLabel(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_result(new QLabel(this))
    , m_historyTable(new QTableView(this))
    , m_fieldError(new QLabel(this))
    , m_roomNote(new QLabel(this))
    , m_storeForMembers(new QPushButton(this))
{
    initResources();
    m_send->setIcon(QIcon(QStringLiteral(":/icons/send.svg")));
    m_org->setObjectName(QStringLiteral("sendOrg"));
    m_org->setPlaceholderText(tr("organization id, e.g. acme"));
    m_targetKind->setObjectName(QStringLiteral("sendTargetKind"));
    m_targetKind->addItem(tr("User"));
    m_targetKind->addItem(tr("Room"));
    m_target->setObjectName(QStringLiteral("sendTarget"));
    m_type->setObjectName(QStringLiteral("sendType"));
    m_type->setPlaceholderText(QStringLiteral("TEST"));
    m_title->setObjectName(QStringLiteral("sendTitle"));
    m_title->setMaxLength(limits::maxTitleLength);
    m_body->setObjectName(QStringLiteral("sendBody"));
    m_body->setTabChangesFocus(true);
    m_body->setMaximumHeight(90);
    m_priority->setObjectName(QStringLiteral("sendPriority"));
    m_priority->addItem(tr("Low"), QStringLiteral("low"));
    m_priority->addItem(tr("Normal"), QStringLiteral("normal"));
    m_priority->addItem(tr("High"), QStringLiteral("high"));
    m_priority->addItem(tr("Urgent"), QStringLiteral("urgent"));
    m_priority->setCurrentIndex(1);
    m_actionUrl->setObjectName(QStringLiteral("sendActionUrl"));
    m_actionUrl->setPlaceholderText(tr("/path/in/app or https://…"));
    m_metadata->setObjectName(QStringLiteral("sendMetadata"));
    m_metadata->setTabChangesFocus(true);
    m_metadata->setPlaceholderText(tr("{\"key\": \"value\"} (optional JSON object)"));
    m_metadata->setMaximumHeight(90);
    m_metadataError->setObjectName(QStringLiteral("sendMetadataError"));
    m_metadataError->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    reserveLines(m_metadataError, 2);
    m_metadataError->hide();
    m_fieldError->setObjectName(QStringLiteral("sendFieldError"));
    reserveLines(m_fieldError, 2);
    m_roomNote->setObjectName(QStringLiteral("sendRoomNote"));
    m_roomNote->setWordWrap(true);
    m_roomNote->setStyleSheet(QStringLiteral("color: #ef6c00;"));
    m_roomNote->setText(tr("A room send is a live announcement: it reaches the connections in "
                           "the room now and is not stored. No inbox gets it; members who are "
                           "offline never see it."));
    m_storeForMembers->setObjectName(QStringLiteral("sendStoreForMembers"));
    connect(m_storeForMembers, &QPushButton::clicked, this, &SendTestView::storeForMembers);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_result->setObjectName(QStringLiteral("sendResult"));
    m_result->setWordWrap(true);
    m_templates->setSource([this](const QString &name) { return currentAsTemplate(name); });
    connect(m_templates, &TemplateBar::loaded, this, &SendTestView::applyTemplate);
    connect(m_templates, &TemplateBar::saved, m_result, &QLabel::setText);
    connect(m_sender, &SendTestSender::started, this, [this](const QString &text) {
        m_sending = true;
        validate();
        m_result->setText(text);
    });
    connect(m_sender, &SendTestSender::finished, this,
            [this](const HistoryEntry &entry, const QString &text) {
                m_sending = m_sender->sending();
                m_result->setText(text);
                validate();
                emit sent(entry);
            });

    auto updateTargetPlaceholder = [this] {
        const bool room = m_targetKind->currentIndex() == TargetRoom;
        m_target->setPlaceholderText(room ? tr("room, e.g. org:acme:role:admin")
                                          : tr("user id, e.g. alice"));
        m_roomNote->setVisible(room);
        formChanged();
    };
    updateTargetPlaceholder();
    connect(m_targetKind, &QComboBox::currentIndexChanged, this, updateTargetPlaceholder);

    for (QLineEdit *edit : {m_org, m_target, m_type, m_title, m_actionUrl})
        connect(edit, &QLineEdit::textChanged, this, &SendTestView::formChanged);
    connect(m_body, &QPlainTextEdit::textChanged, this, &SendTestView::formChanged);
    connect(m_metadata, &QPlainTextEdit::textChanged, this, &SendTestView::formChanged);
    connect(m_client, &AdminClient::stateChanged, this, &SendTestView::validate);
    connect(m_send, &QPushButton::clicked, this, &SendTestView::send);

    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_targetKind);
    targetRow->addWidget(m_target, 1);

    auto *form = new QFormLayout;
    form->addRow(tr("&Organization:"), m_org);
    // addRow(text, layout) makes no buddy, so its "&" would show literally.
    auto *recipientLabel = new QLabel(tr("&Recipient:"), this);
    recipientLabel->setBuddy(m_target);
    form->addRow(recipientLabel, targetRow);
    form->addRow(QString(), m_roomNote);
    form->addRow(tr("T&ype:"), m_type);
    form->addRow(tr("&Title:"), m_title);
    form->addRow(tr("&Body:"), m_body);
    form->addRow(tr("&Priority:"), m_priority);
    form->addRow(tr("&Action URL:"), m_actionUrl);
    form->addRow(tr("&Metadata:"), m_metadata);
    // The error line lives in a holder of fixed height that is always in the form: a form
    // row whose widget hides collapses, and everything below would jump while typing.
    auto *metadataErrorHolder = new QWidget(this);
    metadataErrorHolder->setFixedHeight(m_metadataError->height());
    auto *holderLayout = new QVBoxLayout(metadataErrorHolder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->addWidget(m_metadataError);
    form->addRow(QString(), metadataErrorHolder);

    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_send);
    sendRow->addWidget(m_result, 1);
    auto *storeRow = new QHBoxLayout;
    storeRow->addWidget(m_storeForMembers);
    storeRow->addStretch();

    auto *formBox = new QGroupBox(tr("Test notification"), this);
    auto *formLayout = new QVBoxLayout(formBox);
    formLayout->addWidget(m_templates);
    formLayout->addLayout(form);
    formLayout->addWidget(m_fieldError);
    formLayout->addLayout(sendRow);
    formLayout->addLayout(storeRow);
    formLayout->addStretch();

    m_historyTable->setObjectName(QStringLiteral("historyTable"));
    m_historyTable->setModel(history);
    m_historyTable->verticalHeader()->hide();
    // Sized to the titles and contents (ids in the last column), scrolled rather than cut.
    m_historyTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_historyTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyTable->setAlternatingRowColors(true);
    m_historyTable->setContextMenuPolicy(Qt::ActionsContextMenu);
    installCopyExport(m_historyTable, QStringLiteral("send-history"));
    auto *historyBox = new QGroupBox(tr("History"), this);
    (new QVBoxLayout(historyBox))->addWidget(m_historyTable);

    auto *split = new QSplitter(Qt::Horizontal, this);
    // At the minimum window size the form is taller than the tab: it scrolls instead of
    // squeezing its rows (the room warning was cut to one line).
    auto *formScroll = new QScrollArea(this);
    formScroll->setObjectName(QStringLiteral("sendFormScroll"));
    formScroll->setWidgetResizable(true);
    formScroll->setFrameShape(QFrame::NoFrame);
    formScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    formScroll->setWidget(formBox);
    // Never narrower than the form: only the height scrolls.
    formScroll->setMinimumWidth(formBox->minimumSizeHint().width()
                                + formScroll->verticalScrollBar()->sizeHint().width());
    split->addWidget(formScroll);
    split->addWidget(historyBox);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    validate();
}

std::optional<QString> SendTestView::metadataError(const QString &text)
{
    if (text.trimmed().isEmpty())
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return tr("Invalid JSON at character %1: %2").arg(error.offset).arg(error.errorString());
    if (!doc.isObject())
        return tr("Metadata must be a JSON object: {…}");
    if (validateMetadata(doc.object()))
        return tr("Metadata is larger than %1 KiB").arg(limits::maxMetadataBytes / 1024);
    return std::nullopt;
}

QStringList SendTestView::formErrors(QList<QWidget *> *fields) const
{
    const QString org = m_org->text().trimmed();
    const QString target = m_target->text().trimmed();
    const QString type = m_type->text().trimmed();
    const QString title = m_title->text().trimmed();
    const QString body = m_body->toPlainText();
    const QString actionUrl = m_actionUrl->text().trimmed();
    const bool room = m_targetKind->currentIndex() == TargetRoom;

    // Every problem at once, in the order of the form: fixing one must not reveal the next.
    QStringList errors;
    const auto add = [&](QWidget *field, const QString &error) {
        fields->append(field);
        errors.append(error);
    };
    const bool orgOk = !org.isEmpty() && !validateId(QStringLiteral("orgId"), org);
    if (org.isEmpty())
        add(m_org, tr("Enter an organization id."));
    else if (!orgOk)
        add(m_org,
            tr("The organization id is not valid (1–128 characters, no control characters)."));
    if (target.isEmpty()) {
        add(m_target, room ? tr("Enter a room.") : tr("Enter a user id."));
    } else if (!room && validateId(QStringLiteral("userId"), target)) {
        add(m_target, tr("The user id is not valid (1–128 characters, no control characters)."));
    } else if (room) {
        // The server's rule (docs/protocol.md, "Rooms"), checked here so that "alice" or
        // "org:" is flagged while typing instead of coming back refused.
        const auto parsed = rooms::parse(target);
        if (!parsed
            || (parsed->kind == rooms::Kind::User
                && validateId(QStringLiteral("userId"), parsed->member)))
            add(m_target,
                tr("Not a room name: use org:%1, org:%1:role:ROLE, org:%1:user:USER or broadcast.")
                    .arg(orgOk ? rooms::escapeId(org) : QStringLiteral("ORG")));
        else if (parsed->kind != rooms::Kind::Broadcast && orgOk && parsed->orgId != org)
            add(m_target,
                tr("The room belongs to organization “%1”, not to “%2”.").arg(parsed->orgId, org));
    }
    if (!type.isEmpty() && validateId(QStringLiteral("type"), type))
        add(m_type, tr("The type is not valid (1–128 characters, no control characters)."));
    if (title.isEmpty())
        add(m_title, tr("Enter a title."));
    else if (validateTitle(title))
        add(m_title, tr("The title is longer than %1 characters.").arg(limits::maxTitleLength));
    if (validateBody(body))
        add(m_body, tr("The body is longer than %1 characters.").arg(limits::maxBodyLength));
    if (validateActionUrl(actionUrl))
        add(m_actionUrl, tr("The action URL must be a relative path or an http(s) URL."));
    if (const auto error = metadataError(m_metadata->toPlainText()))
        add(m_metadata, *error);
    return errors;
}

Result<QJsonObject, QString> SendTestView::buildRequest() const
{
    const auto request = build();
    if (!request)
        return request.error();
    return request->toJson();
}

Result<admin::SendTestRequest, QString> SendTestView::build() const
{
    QList<QWidget *> fields;
    const QStringList errors = formErrors(&fields);
    if (!errors.isEmpty())
        return errors.join(QLatin1Char('\n'));
    admin::SendTestRequest request;
    request.orgId = m_org->text().trimmed();
    (m_targetKind->currentIndex() == TargetRoom ? request.room : request.userId)
        = m_target->text().trimmed();
    request.content.type = m_type->text().trimmed();
    request.content.title = m_title->text().trimmed();
    request.content.body = m_body->toPlainText();
    request.content.priority
        = parsePriority(m_priority->currentData().toString()).value_or(Priority::Normal);
    request.content.actionUrl = m_actionUrl->text().trimmed();
    // formErrors has checked that it is empty or an object.
    request.content.metadata = QJsonDocument::fromJson(m_metadata->toPlainText().toUtf8()).object();
    return request;
}

void SendTestView::formChanged()
{
    // The result line is about what was sent: once the form says something else (another
    // recipient, another title), an old "Failed: …" or "delivered to 2" would mislead.
    if (!m_sending)
        m_result->clear();
    validate();
}

void SendTestView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A result in the previous language is a result about an earlier moment: clear it.
    if (event->type() != QEvent::LanguageChange)
        return;
    if (!m_sending)
        m_result->clear();
    // The counted button text, tooltips and field errors are built with arguments.
    validate();
}

void SendTestView::validate()
{
    // One pass over the form: the errors decide the marks, the button and its tooltip.
    QList<QWidget *> fields;
    const QStringList errors = formErrors(&fields);
    const bool valid = errors.isEmpty();
    const qsizetype metadataAt = fields.indexOf(m_metadata);
    m_metadataOk = metadataAt < 0;
    m_metadataError->setText(m_metadataOk ? QString() : errors.at(metadataAt));
    m_metadataError->setVisible(!m_metadataOk);
    // Mark the fields the errors are about, once they hold something: an empty required
    // field is a hint (shown below the form), not an error.
    const auto hasText = [](QWidget *w) {
        if (auto *line = qobject_cast<QLineEdit *>(w))
            return !line->text().isEmpty();
        if (auto *text = qobject_cast<QPlainTextEdit *>(w))
            return !text->toPlainText().isEmpty();
        return false;
    };
    bool anyMarked = false;
    m_errorField = valid ? nullptr : fields.first();
    for (QWidget *w : std::initializer_list<QWidget *> {m_org, m_target, m_type, m_title, m_body,
                                                        m_actionUrl, m_metadata}) {
        const bool marked = fields.contains(w) && hasText(w);
        anyMarked = anyMarked || marked;
        const QString style = marked
            ? QStringLiteral("%1 { %2 }")
                  .arg(QLatin1String(w->metaObject()->className()), QLatin1String(errorStyle))
            : QString();
        if (w->styleSheet() != style)
            w->setStyleSheet(style);
    }
    // The metadata error has its own line under the field; the others show here, all of them.
    QStringList shown;
    for (int i = 0; i < errors.size(); ++i) {
        if (fields.at(i) != m_metadata)
            shown.append(errors.at(i));
    }
    m_fieldError->setText(shown.join(QLatin1Char('\n')));
    m_fieldError->setStyleSheet(anyMarked ? QStringLiteral("color: #d32f2f;")
                                          : QStringLiteral("color: #757575;"));

    const bool connected = m_client->state() == AdminClient::State::Connected;
    m_send->setEnabled(valid && connected && !m_sending);

    const bool room = m_targetKind->currentIndex() == TargetRoom;
    const QStringList members
        = room ? roomMembers(m_org->text().trimmed(), m_target->text().trimmed()) : QStringList();
    m_storeForMembers->setVisible(room);
    m_storeForMembers->setText(
        tr("Store for each listed member instead (%n user(s))", nullptr, int(members.size())));
    m_storeForMembers->setToolTip(
        tr("Send a stored notification to each user connected to this room now; users who "
           "are offline are not listed and get nothing."));
    m_storeForMembers->setEnabled(room && valid && connected && !m_sending && !members.isEmpty());
    if (!valid)
        m_send->setToolTip(errors.join(QLatin1Char('\n')));
    else if (!connected)
        m_send->setToolTip(tr("Not connected to a server"));
    else
        m_send->setToolTip(tr("Send this notification (Ctrl+Return)"));
}

void SendTestView::send()
{
    const auto request = build();
    if (!request.ok()) {
        m_result->setText(request.error());
        return;
    }
    m_sender->send(request.value());
}

void SendTestView::storeForMembers()
{
    const auto request = build();
    if (!request.ok() || m_targetKind->currentIndex() != TargetRoom)
        return;
    m_sender->sendToEach(request.value(), roomMembers(request->orgId, request->room));
}

QStringList SendTestView::roomMembers(const QString &orgId, const QString &room) const
{
    QStringList users;
    if (!m_connections || room.isEmpty())
        return users;
    QSet<QString> seen;
    for (int r = 0; r < m_connections->rowCount(); ++r) {
        const ConnectionInfo &c = m_connections->at(r);
        if (c.orgId == orgId && c.rooms.contains(room) && !seen.contains(c.userId)) {
            seen.insert(c.userId);
            users.append(c.userId);
        }
    }
    users.sort();
    return users;
}

void SendTestView::prefillUser(const QString &orgId, const QString &userId)
{
    m_org->setText(orgId);
    m_targetKind->setCurrentIndex(TargetUser);
    m_target->setText(userId);
    if (m_title->text().trimmed().isEmpty())
        m_title->setText(tr("Test from support"));
    validate();
    m_title->setFocus(Qt::OtherFocusReason);
    m_title->selectAll();
}

void SendTestView::resend(const HistoryEntry &entry)
{
    m_sender->resend(entry);
}

void SendTestView::focusForm()
{
    (m_org->text().isEmpty() ? m_org : m_title)->setFocus(Qt::ShortcutFocusReason);
}

SendTemplate SendTestView::currentAsTemplate(const QString &name) const
{
    SendTemplate t;
    t.name = name.trimmed();
    t.orgId = m_org->text().trimmed();
    if (m_targetKind->currentIndex() == TargetRoom)
        t.room = m_target->text().trimmed();
    else
        t.userId = m_target->text().trimmed();
    t.type = m_type->text().trimmed();
    t.title = m_title->text();
    t.body = m_body->toPlainText();
    t.priority = m_priority->currentData().toString();
    t.actionUrl = m_actionUrl->text().trimmed();
    t.metadata = m_metadata->toPlainText();
    return t;
}

void SendTestView::applyTemplate(const SendTemplate &t)
{
    m_org->setText(t.orgId);
    m_targetKind->setCurrentIndex(t.room.isEmpty() ? TargetUser : TargetRoom);
    m_target->setText(t.room.isEmpty() ? t.userId : t.room);
    m_type->setText(t.type);
    m_title->setText(t.title);
    m_body->setPlainText(t.body);
    const int p
        = m_priority->findData(t.priority.isEmpty() ? QStringLiteral("normal") : t.priority);
    m_priority->setCurrentIndex(p >= 0 ? p : 1);
    m_actionUrl->setText(t.actionUrl);
    m_metadata->setPlainText(t.metadata);
    validate();
}

bool SendTestView::saveTemplateAs(const QString &name)
{
    return m_templates->saveAs(name);
}

bool SendTestView::loadTemplate(const QString &name)
{
    return m_templates->load(name);
}

bool SendTestView::deleteTemplate(const QString &name)
{
    return m_templates->remove(name);
}

QStringList SendTestView::templateNames() const
{
    return m_templates->names();
}

} // namespace notify::console
