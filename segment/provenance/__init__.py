"""Where outputs come from: fingerprints of files (:mod:`.files`), manifests (:mod:`.manifest`)
and the comparison that ``segment verify`` reports (:mod:`.compare`)."""
