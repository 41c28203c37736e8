// The ATM of the state-machines page: an enum whose variants carry their data,
// and one `match` on (state, event). Builds with plain `rustc` (edition 2021,
// std only) and prints the same walk-through as chapter2/atm.py.
use std::collections::HashMap;
use std::fmt;

const PIN_TRIES: u8 = 3;
const NOTE: u32 = 20; // the smallest note the machine pays out

// --8<-- [start:types]
#[derive(Debug, PartialEq)]
struct Card {
    account: String,
}

#[derive(Debug, PartialEq)]
enum State {
    Idle,
    CardInserted {
        card: Card,
        pin: String,
        tries_left: u8,
    },
    Authenticated {
        card: Card,
    },
    WithdrawalSelected {
        card: Card,
        amount: u32,
    },
    Dispensing {
        amount: u32,
    },
}

enum Event {
    InsertCard(Card),
    Digit(u8),
    Enter,
    Withdraw,
    Cancel,
    TakeCash,
}
// --8<-- [end:types]

struct Account {
    pin: String,
    balance: u32,
}

/// The bank behind the machine: the ATM asks it about PINs, it never keeps one.
struct Bank {
    accounts: HashMap<String, Account>,
}

impl Bank {
    fn knows(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }
    fn pin_matches(&self, account: &str, digits: &str) -> bool {
        self.accounts[account].pin == digits
    }
    fn balance(&self, account: &str) -> u32 {
        self.accounts[account].balance
    }
    fn debit(&mut self, account: &str, amount: u32) {
        let held = self.accounts.get_mut(account).expect("a known account");
        held.balance = held.balance.checked_sub(amount).expect("no overdraft");
    }
}

struct InvalidTransition {
    state: &'static str,
    event: &'static str,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} makes no sense in state {}", self.event, self.state)
    }
}

struct Atm {
    state: State,
    bank: Bank,
    cash: u32,
    returned: Vec<Card>,
    retained: Vec<Card>,
}

impl Atm {
    // --8<-- [start:handle]
    fn handle(&mut self, event: Event) -> Result<String, InvalidTransition> {
        // Take the state out by value: its data moves into the next state
        // (the card) or is dropped here (the PIN digits).
        let state = std::mem::replace(&mut self.state, State::Idle);
        let (next, screen) = match (state, event) {
            (State::Idle, Event::InsertCard(card)) => {
                if self.bank.knows(&card.account) {
                    let pin = String::new();
                    let next = State::CardInserted {
                        card,
                        pin,
                        tries_left: PIN_TRIES,
                    };
                    (next, "Enter your PIN".to_string())
                } else {
                    self.returned.push(card);
                    (
                        State::Idle,
                        "Card not recognised: take your card".to_string(),
                    )
                }
            }
            // The same key, two meanings: a PIN digit here...
            (
                State::CardInserted {
                    card,
                    mut pin,
                    tries_left,
                },
                Event::Digit(key),
            ) => {
                pin.push(char::from(b'0' + key));
                let screen = format!("PIN: {}", "*".repeat(pin.len()));
                (
                    State::CardInserted {
                        card,
                        pin,
                        tries_left,
                    },
                    screen,
                )
            }
            // ...and an amount digit here.
            (State::WithdrawalSelected { card, amount }, Event::Digit(key)) => {
                let amount = amount * 10 + u32::from(key);
                (
                    State::WithdrawalSelected { card, amount },
                    format!("Amount: {amount}"),
                )
            }
            (
                State::CardInserted {
                    card,
                    pin,
                    tries_left,
                },
                Event::Enter,
            ) => {
                if self.bank.pin_matches(&card.account, &pin) {
                    let screen = "PIN accepted. Choose a service".to_string();
                    // `pin` is dropped here.
                    (State::Authenticated { card }, screen)
                } else if tries_left > 1 {
                    let left = tries_left - 1;
                    let tries = if left == 1 { "try" } else { "tries" };
                    let screen = format!("Wrong PIN: {left} {tries} left");
                    let pin = String::new();
                    (
                        State::CardInserted {
                            card,
                            pin,
                            tries_left: left,
                        },
                        screen,
                    )
                } else {
                    self.retained.push(card);
                    let screen = format!(
                        "Wrong PIN {PIN_TRIES} times: card retained, \
                         call your bank"
                    );
                    (State::Idle, screen)
                }
            }
            (State::Authenticated { card }, Event::Withdraw) => {
                let screen = format!("Amount? (multiples of {NOTE})");
                (State::WithdrawalSelected { card, amount: 0 }, screen)
            }
            (State::WithdrawalSelected { card, amount }, Event::Enter) => {
                match self.refusal(&card.account, amount) {
                    Some(reason) => {
                        let screen =
                            format!("Refused: {reason}; enter another amount");
                        (State::WithdrawalSelected { card, amount: 0 }, screen)
                    }
                    None => {
                        self.bank.debit(&card.account, amount);
                        self.cash -= amount;
                        self.returned.push(card);
                        let screen =
                            format!("Take your card, then your cash: {amount}");
                        (State::Dispensing { amount }, screen)
                    }
                }
            }
            (
                State::CardInserted { card, .. }
                | State::Authenticated { card }
                | State::WithdrawalSelected { card, .. },
                Event::Cancel,
            ) => {
                self.returned.push(card);
                (State::Idle, "Cancelled: take your card".to_string())
            }
            (State::Dispensing { .. }, Event::TakeCash) => {
                (State::Idle, "Insert your card".to_string())
            }
            // Every other pairing makes no sense: put the state back untouched.
            (state, event) => {
                let refused = InvalidTransition {
                    state: state.name(),
                    event: event.name(),
                };
                self.state = state;
                return Err(refused);
            }
        };
        self.state = next;
        Ok(screen)
    }
    // --8<-- [end:handle]

    fn refusal(&self, account: &str, amount: u32) -> Option<String> {
        let balance = self.bank.balance(account);
        if amount == 0 {
            Some("no amount typed".to_string())
        } else if amount % NOTE != 0 {
            Some(format!("{amount} is not a multiple of {NOTE}"))
        } else if amount > balance {
            Some(format!("{amount} is more than your balance of {balance}"))
        } else if amount > self.cash {
            Some(format!(
                "{amount} is more than this machine holds ({})",
                self.cash
            ))
        } else {
            None
        }
    }
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            State::Idle => "Idle",
            State::CardInserted { .. } => "CardInserted",
            State::Authenticated { .. } => "Authenticated",
            State::WithdrawalSelected { .. } => "WithdrawalSelected",
            State::Dispensing { .. } => "Dispensing",
        }
    }
}

impl Event {
    fn name(&self) -> &'static str {
        match self {
            Event::InsertCard(_) => "InsertCard",
            Event::Digit(_) => "Digit",
            Event::Enter => "Enter",
            Event::Withdraw => "Withdraw",
            Event::Cancel => "Cancel",
            Event::TakeCash => "TakeCash",
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::InsertCard(card) => {
                write!(f, "InsertCard({})", card.account)
            }
            Event::Digit(key) => write!(f, "Digit({key})"),
            other => f.write_str(other.name()),
        }
    }
}

fn keys(digits: &str) -> impl Iterator<Item = Event> + '_ {
    digits.bytes().map(|b| Event::Digit(b - b'0'))
}

fn main() {
    let alice = Account {
        pin: "1234".to_string(),
        balance: 300,
    };
    let bank = Bank {
        accounts: HashMap::from([("alice".to_string(), alice)]),
    };
    let mut atm = Atm {
        state: State::Idle,
        bank,
        cash: 200,
        returned: vec![],
        retained: vec![],
    };

    let card = Card {
        account: "alice".to_string(),
    };
    let mut events = vec![Event::InsertCard(card)];
    events.extend(keys("1235")); // a wrong PIN
    events.push(Event::Enter);
    events.extend(keys("1234")); // the right one
    events.push(Event::Enter);
    events.push(Event::Digit(5)); // no menu item has a number: refused
    events.push(Event::Withdraw);
    events.extend(keys("70")); // not a multiple of 20
    events.push(Event::Enter);
    events.extend(keys("60"));
    events.push(Event::Enter);
    events.push(Event::Cancel); // too late: the card is already out
    events.push(Event::TakeCash);

    for event in events {
        let shown = event.to_string();
        match atm.handle(event) {
            Ok(screen) => {
                println!("{shown:<17} -> {:<18} {screen}", atm.state.name())
            }
            Err(refused) => println!("{shown:<17} refused: {refused}"),
        }
    }
    let balance = atm.bank.balance("alice");
    println!(
        "balance {balance}, machine cash {}, cards returned {}",
        atm.cash,
        atm.returned.len()
    );
    assert!(atm.retained.is_empty() && atm.state == State::Idle);
}
