#pragma once

#include <QStringView>

namespace notify {

// Length in Unicode code points, so an emoji counts as one character towards a limit just
// as the person typing it expects (QString::size() would count two UTF-16 units).
inline qsizetype codePointCount(QStringView text)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        ++count;
    }
    return count;
}

inline bool hasControlCharacter(QStringView text)
{
    for (QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return true;
    }
    return false;
}

} // namespace notify
