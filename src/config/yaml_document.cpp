#include "config/yaml_document.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>
#include <utility>

namespace spanflow::config {

namespace {

constexpr std::string_view kExpectedForm =
    "expected ${VAR}, ${env:VAR} or ${env:VAR:-default}, where VAR matches "
    "[a-zA-Z_][a-zA-Z0-9_]*";

bool is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

bool valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// Expands one ${...} reference (without the braces: `body`); false when it was reported.
bool expand_reference(std::string_view reference, std::string_view body, const Mark& mark,
                      const std::string& path, const Environment& env, ConfigErrors& errors,
                      std::string& out) {
  if (body.starts_with("env:")) body.remove_prefix(4);
  std::optional<std::string_view> fallback;
  if (auto separator = body.find(":-"); separator != std::string_view::npos) {
    fallback = body.substr(separator + 2);
    body = body.substr(0, separator);
  }
  if (auto colon = body.find(':'); colon != std::string_view::npos && colon > 0) {
    errors.error(mark, path,
                 "unsupported reference " + quoted(reference) + ": only environment variables " +
                     "can be referenced, " + std::string(kExpectedForm),
                 "write $$ for a literal '$'");
    return false;
  }
  if (!valid_name(body)) {
    errors.error(mark, path,
                 "invalid environment variable reference " + quoted(reference) + ": " +
                     std::string(kExpectedForm),
                 "write $$ for a literal '$'");
    return false;
  }
  if (fallback && fallback->find('$') != std::string_view::npos) {
    errors.error(mark, path,
                 "the default value in " + quoted(reference) +
                     " contains '$'; nested references are not supported");
    return false;
  }
  const std::string name(body);
  if (std::optional<std::string> value = env(name)) {
    // As in the Collector, a set but empty variable is used as is: the default is for unset ones.
    out += *value;
  } else if (fallback) {
    out += *fallback;
  } else {
    errors.error(mark, path, "environment variable " + quoted(name) + " is not set",
                 "set it, or give a default: ${env:" + name + ":-value}");
    return false;
  }
  return true;
}

Mark to_mark(const YAML::Mark& mark, const std::string& file) {
  return Mark{file, mark.line < 0 ? 0 : mark.line + 1, mark.column < 0 ? 0 : mark.column + 1};
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "::" + std::string(key);
}

// Converts a yaml-cpp tree into a ConfigValue, expanding environment references in scalars.
class Converter {
 public:
  Converter(const std::string& file, const Environment& env, ConfigErrors& errors)
      : file_(file), env_(env), errors_(errors) {}

  ConfigValue convert(const YAML::Node& node, const std::string& path) const {
    ConfigValue out;
    out.mark = to_mark(node.Mark(), file_);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        break;
      case YAML::NodeType::Scalar:
        out.kind = ConfigValue::Kind::kScalar;
        out.scalar = expand_env(node.Scalar(), out.mark, path, env_, errors_);
        // yaml-cpp tags a quoted or block scalar "!" and an untagged plain one "?".
        out.string_typed = node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str";
        break;
      case YAML::NodeType::Sequence:
        out.kind = ConfigValue::Kind::kSequence;
        for (std::size_t i = 0; i < node.size(); ++i) {
          out.seq.push_back(convert(node[i], join_path(path, std::to_string(i))));
        }
        break;
      case YAML::NodeType::Map:
        out.kind = ConfigValue::Kind::kMap;
        for (const auto& pair : node) add_entry(out, pair.first, pair.second, path);
        break;
    }
    return out;
  }

 private:
  void add_entry(ConfigValue& map, const YAML::Node& key, const YAML::Node& value,
                 const std::string& path) const {
    const Mark key_mark = to_mark(key.Mark(), file_);
    if (!key.IsScalar()) {
      const char* found = key.IsMap() ? "a map" : key.IsSequence() ? "a list" : "null";
      errors_.error(key_mark, path, std::string("expected a string as map key, found ") + found);
      return;
    }
    const std::string& name = key.Scalar();
    for (const ConfigValue::Entry& existing : map.map) {
      if (existing.key == name) {
        errors_.error(key_mark, path, "duplicate key " + quoted(name),
                      "first defined at line " + std::to_string(existing.key_mark.line) +
                          ", column " + std::to_string(existing.key_mark.col));
        return;
      }
    }
    ConfigValue converted = convert(value, join_path(path, name));
    // yaml-cpp marks an empty value ("key:") at the next token, often on a later line; the key's
    // own position is the better place to point at.
    if (converted.kind == ConfigValue::Kind::kNull && converted.mark.line != key_mark.line) {
      converted.mark = key_mark;
    }
    map.map.push_back({name, key_mark, std::move(converted)});
  }

  const std::string& file_;
  const Environment& env_;
  ConfigErrors& errors_;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// The whole file, or nullopt with `error` set to the system's reason.
std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = std::error_code(errno, std::generic_category()).message();
    return std::nullopt;
  }
  std::string text;
  char buffer[16384];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get())) {
    error = std::error_code(errno, std::generic_category()).message();
    return std::nullopt;
  }
  return text;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string expand_env(std::string_view text, const Mark& mark, const std::string& path,
                       const Environment& env, ConfigErrors& errors) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (text[i] != '$' || (next != '$' && next != '{')) {
      out += text[i++];
      continue;
    }
    if (next == '$') {  // "$$" is a literal '$'
      out += '$';
      i += 2;
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      errors.error(
          mark, path,
          "unterminated '${' in \"" + std::string(text) + "\": " + std::string(kExpectedForm),
          "write $$ for a literal '$'");
      out.append(text.substr(i));
      break;
    }
    const std::string_view reference = text.substr(i, close + 1 - i);
    if (!expand_reference(reference, text.substr(i + 2, close - i - 2), mark, path, env, errors,
                          out)) {
      out.append(reference);
    }
    i = close + 1;
  }
  return out;
}

ConfigValue parse_yaml(std::string_view text, const std::string& file_name, const Environment& env,
                       ConfigErrors& errors) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return Converter(file_name, env, errors).convert(root, "");
  } catch (const YAML::Exception& e) {
    errors.error(to_mark(e.mark, file_name), "", "invalid YAML: " + e.msg);
  }
  ConfigValue null;
  null.mark = Mark{file_name, 0, 0};
  return null;
}

ConfigValue load_files(const std::vector<std::string>& paths, const Environment& env,
                       ConfigErrors& errors) {
  ConfigValue merged;
  bool first = true;
  for (const std::string& path : paths) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      errors.error(Mark{path, 0, 0}, "", "cannot read config file: " + error);
      continue;
    }
    ConfigValue document = parse_yaml(*text, path, env, errors);
    // An empty (or unparsable) file contributes nothing, as an empty file does in the Collector.
    if (document.kind == ConfigValue::Kind::kNull && !first) continue;
    if (first) {
      merged = std::move(document);
      first = false;
    } else {
      merge_into(merged, std::move(document));
    }
  }
  return merged;
}

void merge_into(ConfigValue& base, ConfigValue overlay) {
  if (base.kind != ConfigValue::Kind::kMap || overlay.kind != ConfigValue::Kind::kMap) {
    base = std::move(overlay);
    return;
  }
  for (ConfigValue::Entry& entry : overlay.map) {
    auto it = std::find_if(base.map.begin(), base.map.end(),
                           [&](const ConfigValue::Entry& e) { return e.key == entry.key; });
    if (it == base.map.end()) {
      base.map.push_back(std::move(entry));
      continue;
    }
    const bool both_maps =
        it->value.kind == ConfigValue::Kind::kMap && entry.value.kind == ConfigValue::Kind::kMap;
    if (!both_maps) it->key_mark = entry.key_mark;
    merge_into(it->value, std::move(entry.value));
  }
}

}  // namespace spanflow::config
