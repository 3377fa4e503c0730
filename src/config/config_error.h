// Config errors: every problem found while loading and validating, with where it is and a hint.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace spanflow::config {

// A position in a config file; line and col are 1-based (0 = unknown).
struct Mark {
  std::string file;
  int line = 0;
  int col = 0;
};

struct ConfigError {
  Mark mark;
  std::string path;     // key path, e.g. "processors::batch::timeout"
  std::string message;  // what is wrong and what was expected
  std::string hint;     // e.g. "did you mean 'send_batch_size'?"; may be empty
  bool warning = false;

  // "file:line:col: error: processors::batch: unknown key 'x' (did you mean 'y'?)"
  std::string to_string() const;
};

// Collects all errors and warnings of one load; nothing here throws.
class ConfigErrors {
 public:
  void error(Mark mark, std::string path, std::string message, std::string hint = {});
  void warn(Mark mark, std::string path, std::string message, std::string hint = {});
  bool has_errors() const;
  // Errors and warnings in file/line/col order.
  std::vector<ConfigError> sorted() const;
  // One line per entry, sorted, each ending in '\n'.
  std::string report() const;

 private:
  std::vector<ConfigError> entries_;
};

// Thrown by the control plane when a config cannot be used; carries every error found.
class ConfigException : public std::runtime_error {
 public:
  explicit ConfigException(ConfigErrors errors);
  const ConfigErrors& errors() const { return errors_; }

 private:
  ConfigErrors errors_;
};

// Closest candidate by edit distance when it is close enough to be a likely typo, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace spanflow::config
