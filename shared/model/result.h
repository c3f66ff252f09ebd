#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace notify {

// A value or an error, for operations whose failure is an expected outcome (bad input,
// storage down) rather than a bug. C++20 has no std::expected yet.
template<typename T, typename E>
class Result
{
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) { }
    Result(E error) : m_data(std::in_place_index<1>, std::move(error)) { }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const E &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, E> m_data;
};

// For operations that return nothing on success.
struct Done
{
};

} // namespace notify
