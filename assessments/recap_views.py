# Recap (rekapitulasi), decision meeting and Berita Acara pages.
