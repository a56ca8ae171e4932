window.YTD.tweets.part0 = [
  {"tweet": {"id_str": "1860000000000000001", "full_text": "Kånken nu 599:- (ord. pris 799:-) – gäller t.o.m. söndag! 🎒", "created_at": "Sat Nov 21 09:00:00 +0000 2026"}}
]
