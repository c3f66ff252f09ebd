#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace notify::bench {

struct Percentiles
{
    int64_t count = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0; // in the input's unit
};

// Sorts `values` in place.
Percentiles percentiles(std::vector<int64_t> &values);

// One scenario's figures, printed as a two-column table and as one JSON object per line
// (keys in insertion order, numbers as numbers).
class ScenarioReport
{
public:
    ScenarioReport(std::string scenario, std::string server, std::string protocol);

    void add(const std::string &key, double value, int decimals = 0);
    void add(const std::string &key, int64_t value);
    void add(const std::string &key, const std::string &value);
    void addLatencyMs(const std::string &prefix, const Percentiles &p);

    void print() const; // the human table on stdout
    std::string jsonLine() const; // without the trailing newline

private:
    struct Field
    {
        std::string key;
        std::string json;
        std::string text;
    };
    std::string m_scenario;
    std::string m_server;
    std::string m_protocol;
    std::vector<Field> m_fields;
};

std::string jsonEscape(const std::string &s);

} // namespace notify::bench
