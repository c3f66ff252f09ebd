#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace notify::bench {

Percentiles percentiles(std::vector<int64_t> &values)
{
    Percentiles p;
    p.count = int64_t(values.size());
    if (values.empty())
        return p;
    std::sort(values.begin(), values.end());
    // Nearest-rank: the smallest value with at least q of the samples at or below it.
    auto at = [&values](double q) {
        const auto rank = size_t(std::ceil(q * double(values.size())));
        return double(values[std::clamp<size_t>(rank, 1, values.size()) - 1]);
    };
    p.p50 = at(0.50);
    p.p95 = at(0.95);
    p.p99 = at(0.99);
    p.max = double(values.back());
    return p;
}

std::string jsonEscape(const std::string &s)
{
    std::string out;
    out.reserve(s.size() + 2);
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += ch;
        }
    }
    return out;
}

ScenarioReport::ScenarioReport(std::string scenario, std::string server, std::string protocol)
    : m_scenario(std::move(scenario))
    , m_server(std::move(server))
    , m_protocol(std::move(protocol))
{ }

void ScenarioReport::add(const std::string &key, double value, int decimals)
{
    char buf[64];
    if (!std::isfinite(value)) {
        m_fields.push_back({key, "null", "n/a"});
        return;
    }
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    m_fields.push_back({key, buf, buf});
}

void ScenarioReport::add(const std::string &key, int64_t value)
{
    const std::string v = std::to_string(value);
    m_fields.push_back({key, v, v});
}

void ScenarioReport::add(const std::string &key, const std::string &value)
{
    m_fields.push_back({key, "\"" + jsonEscape(value) + "\"", value});
}

void ScenarioReport::addLatencyMs(const std::string &prefix, const Percentiles &p)
{
    add(prefix + "Samples", p.count);
    add(prefix + "P50Ms", p.p50 / 1000.0, 2);
    add(prefix + "P95Ms", p.p95 / 1000.0, 2);
    add(prefix + "P99Ms", p.p99 / 1000.0, 2);
    add(prefix + "MaxMs", p.max / 1000.0, 2);
}

void ScenarioReport::print() const
{
    std::printf("\n== %s — %s (%s)\n", m_scenario.c_str(), m_server.c_str(), m_protocol.c_str());
    size_t width = 0;
    for (const auto &f : m_fields)
        width = std::max(width, f.key.size());
    for (const auto &f : m_fields)
        std::printf("  %-*s  %s\n", int(width), f.key.c_str(), f.text.c_str());
    std::fflush(stdout);
}

std::string ScenarioReport::jsonLine() const
{
    std::string out = "{\"scenario\":\"" + jsonEscape(m_scenario) + "\",\"server\":\""
        + jsonEscape(m_server) + "\",\"protocol\":\"" + jsonEscape(m_protocol) + "\"";
    for (const auto &f : m_fields)
        out += ",\"" + jsonEscape(f.key) + "\":" + f.json;
    out += "}";
    return out;
}

} // namespace notify::bench
