{
  "targets": [
    {
      "target_name": "assay_linalg",
      "sources": ["native/linalg.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu"],
      "libraries": ["-lopenblas"],
      "cflags": ["-O2"]
    }
  ]
}
