/// Stop words per language: the most frequent function words (articles, pronouns, prepositions,
/// conjunctions, auxiliaries), after the Snowball project's lists (BSD licence). Written with their accents;
/// `Language` folds them as the tokenizer folds text.
enum StopWords {
    static let german = """
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus
        bei bin bis bist da damit dann das dass daß dein deine dem den denn der des dich die dies diese diesem
        diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er es etwas euch euer eure
        für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren
        ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein keine können könnte man
        manche mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine
        seinem seinen seiner sich sie sind so solche soll sollte sondern sonst über um und uns unser unter viel
        vom von vor war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden
        wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen
        """
    static let french = """
        au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me même mes moi mon
        ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre
        vous c d j l à m n s t y été étée étées étés étant suis es est sommes êtes sont serai sera serons seront
        serait étais était étions étaient fus fut soit soient ai as avons avez ont aurai aura aurons auront aurait
        avais avait avions avaient eu eue eus eut ayant aie ait cette cet ceci cela celui celle ceux comme donc
        dont leurs lors plus sans si sous tout tous toute toutes très aussi alors
        """
    static let spanish = """
        de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya o este sí
        porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos durante todos uno
        les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo otro otras otra él tanto esa
        estos mucho quienes nada muchos cual poco ella estar estas algunas algo nosotros mi mis tú te ti tu tus
        ellas nosotras vosotros os mío mía tuyo suyo nuestro vuestro es son fue era eran ser sido ha han he hemos
        había tiene tienen tener puede pueden está están estaba
        """
    static let italian = """
        ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dalla dalle di del dello dei
        degli dell della delle in nel nello nei negli nell nella nelle su sul sullo sui sugli sull sulla sulle per
        tra contro io tu lui lei noi voi loro mio mia miei mie tuo tua tuoi tue suo sua suoi sue nostro nostra
        vostro vostra mi ti ci vi lo la li le gli ne il un uno una ma ed se perché anche come dov dove che chi
        cui non più quale quanto quanti quella quelli quello questo questa questi queste si tutto tutti a c e i l
        o ho hai ha abbiamo avete hanno sono sei è siamo siete era erano essere stato può possono
        """
    static let portuguese = """
        de a o que e do da em um para com não uma os no se na por mais as dos como mas ao ele das à seu sua ou
        quando muito nos já eu também só pelo pela até isso ela entre depois sem mesmo aos seus quem nas me esse
        eles você essa num nem suas meu às minha numa pelos elas qual nós lhe deles essas esses pelas este dele
        tu te vocês vos lhes meus minhas teu tua teus tuas nosso nossa nossos nossas dela delas esta estes estas
        aquele aquela aqueles aquelas isto aquilo é são foi era eram ser está estão tem têm ter há pode podem
        """
    static let dutch = """
        de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar om hem dan zou of
        wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar naar heb hoe heeft hebben deze
        u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer doen toen moet ben zonder kan
        hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon
        niets uw iemand geweest andere
        """
    static let swedish = """
        och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke mig du
        henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut när efter upp vi
        dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna själv
        detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan
        vår blivit dess inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt
        våra ert era vilkas
        """
    static let danish = """
        og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min havde
        ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil blev kunne ind
        når være dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden hende
        mine alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan
        """
    static let norwegian = """
        og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har om vi
        min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl
        her alle vil bli ble blei blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned skulle
        denne for deg si sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken
        hvilke sånn inni mellom vår hver hvem vors hvis både bare enn fordi før mange også slik vært
        """
    static let finnish = """
        olla olen olet on olemme olette ovat ole oli olisi olisit olisin olisimme olisitte olisivat olit olin
        olimme olitte olivat ollut olleet en et ei emme ette eivät minä sinä hän me te he tämä tuo se nämä nuo ne
        kuka ketkä mikä mitkä joka jotka että ja jos koska kuin mutta niin sekä sillä tai vaan vai vaikka kanssa
        mukaan noin poikki yli kun niin nyt itse minun sinun hänen meidän teidän heidän tämän sen niiden jonka
        mitä mutta myös vielä sitten kaikki
        """
    static let russian = """
        и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот
        от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять
        уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без
        будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один
        почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об другой хоть после
        над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед
        иногда лучше чуть том нельзя такой им более всегда конечно всю между
        """
}
