# The Linux FUSE3 shim. Flags follow STYLE.md habit 14: pinned NAPI_VERSION, hidden visibility,
# hardening flags, warnings on; `konnekt_asan=1` (native/build.sh --asan) adds ASan/UBSan. Not
# `asan`: Node's own config.gypi defines `asan: 0`, which overrides a -D of the same name.
{
  "variables": { "konnekt_asan%": 0 },
  "targets": [
    {
      "target_name": "konnekt_fuse",
      "sources": ["src/addon.cc", "src/session.cc", "src/ops.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "_FILE_OFFSET_BITS=64"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags": [
        "-fvisibility=hidden", "-Wall", "-Wextra", "-fstack-protector-strong",
        "<!@(pkg-config --cflags fuse3 || (echo 'konnekt: libfuse3-dev is missing (apt-get install libfuse3-dev fuse3)' >&2; exit 1))"
      ],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-fvisibility-inlines-hidden"],
      "libraries": ["<!@(pkg-config --libs fuse3)"],
      "conditions": [
        ["konnekt_asan==1", {
          "cflags": ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"],
          "ldflags": ["-fsanitize=address,undefined"]
        }, {
          "cflags": ["-D_FORTIFY_SOURCE=2", "-O2"]
        }]
      ]
    }
  ]
}
