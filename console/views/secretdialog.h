#pragma once

#include <QString>

class QDialog;
class QWidget;

namespace notify::console {

// A secret the server shows once (a new API key, a webhook endpoint's signing secret): the
// explanation, the secret in a read-only field with a copy button, and Close. Opened
// non-modally and deleted when closed; the caller's object names let tests find its parts.
struct SecretDialog
{
    QString objectName; // the dialog's
    QString fieldName; // the read-only field's
    QString copyName; // the copy button's
    QString title;
    QString text;
    QString copyText; // the copy button's, translated by the caller
};

QDialog *showSecretOnce(QWidget *parent, const SecretDialog &dialog, const QString &secret);

} // namespace notify::console
