#include "console/views/secretdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace notify::console {

QDialog *showSecretOnce(QWidget *parent, const SecretDialog &d, const QString &secret)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(d.objectName);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(d.title);
    auto *text = new QLabel(d.text, dialog);
    text->setWordWrap(true);
    auto *field = new QLineEdit(secret, dialog);
    field->setObjectName(d.fieldName);
    field->setReadOnly(true);
    field->setMinimumWidth(field->fontMetrics().horizontalAdvance(secret) + 24);
    auto *copy = new QPushButton(d.copyText, dialog);
    copy->setObjectName(d.copyName);
    QObject::connect(copy, &QPushButton::clicked, dialog,
                     [secret] { QApplication::clipboard()->setText(secret); });
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(copy);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(close, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addLayout(row);
    layout->addWidget(close);
    dialog->open();
    return dialog;
}

} // namespace notify::console
