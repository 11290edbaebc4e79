"""The platform: device, text, web, db, mail.  It knows no member, friend or diary."""
