#include "config/config_error.h"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <utility>

namespace spanflow::config {

std::string ConfigError::to_string() const {
  std::string out;
  if (!mark.file.empty()) {
    out += mark.file;
    if (mark.line > 0) {
      out += ':' + std::to_string(mark.line);
      if (mark.col > 0) out += ':' + std::to_string(mark.col);
    }
    out += ": ";
  }
  out += warning ? "warning: " : "error: ";
  if (!path.empty()) out += path + ": ";
  out += message;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

void ConfigErrors::error(Mark mark, std::string path, std::string message, std::string hint) {
  entries_.push_back(
      {std::move(mark), std::move(path), std::move(message), std::move(hint), false});
}

void ConfigErrors::warn(Mark mark, std::string path, std::string message, std::string hint) {
  entries_.push_back({std::move(mark), std::move(path), std::move(message), std::move(hint), true});
}

bool ConfigErrors::has_errors() const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [](const ConfigError& e) { return !e.warning; });
}

std::vector<ConfigError> ConfigErrors::sorted() const {
  std::vector<ConfigError> out = entries_;
  std::stable_sort(out.begin(), out.end(), [](const ConfigError& a, const ConfigError& b) {
    return std::tie(a.mark.file, a.mark.line, a.mark.col) <
           std::tie(b.mark.file, b.mark.line, b.mark.col);
  });
  return out;
}

std::string ConfigErrors::report() const {
  std::string out;
  for (const ConfigError& e : sorted()) out += e.to_string() + '\n';
  return out;
}

namespace {

std::string without_trailing_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Levenshtein distance, ignoring ASCII case.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

ConfigException::ConfigException(ConfigErrors errors)
    : std::runtime_error(without_trailing_newline(errors.report())), errors_(std::move(errors)) {}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (best == nullptr || distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  if (best == nullptr || best_distance > limit || best_distance >= word.size()) return {};
  return *best;
}

}  // namespace spanflow::config
